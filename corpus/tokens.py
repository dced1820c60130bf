"""API tokens: `kalla_<id>_<secret>`, each acting as one registered user (whose role and groups are read
anew at every request). Only an argon2id hash of the secret is stored; the token is shown once, when it is
issued. Data access only: the caller holds the transaction (desk.accounts)."""
from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from corpus.audit import record
from corpus.db import utc_now
from corpus.users import find_user

_HASHER = PasswordHasher()
TOKEN = re.compile(r"kalla_(\d{1,18})_([A-Za-z0-9_-]{20,100})")


@dataclass(frozen=True)
class Token:
    id: int
    user_name: str
    label: str | None
    created_at: str
    created_by: str
    revoked_at: str | None = None
    last_used_at: str | None = None


def issue_token(db: sqlite3.Connection, user_name: str, actor: str, label: str | None = None) -> tuple[Token, str]:
    """A new token for a registered user, and its secret text (shown once)."""
    user = find_user(db, user_name)
    if user is None:
        raise ValueError(f"Användaren {user_name!r} finns inte; lägg till den först (python -m corpus user add)")
    secret = secrets.token_urlsafe(32)
    cursor = db.execute("INSERT INTO api_tokens (user_name, label, secret_hash, created_at, created_by) "
                        "VALUES (?, ?, ?, ?, ?)", (user.name, label, _HASHER.hash(secret), utc_now(), actor))
    token = token_by_id(db, int(cursor.lastrowid))
    record(db, actor, "issue-token", subject=user.name, after={"token": token.id, "label": label})
    return token, f"kalla_{token.id}_{secret}"


def revoke_token(db: sqlite3.Connection, token_id: int, actor: str) -> Token:
    token = token_by_id(db, token_id)
    if token is None:
        raise ValueError(f"Nyckel {token_id} finns inte")
    db.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (utc_now(), token_id))
    record(db, actor, "revoke-token", subject=token.user_name, before={"token": token_id})
    return token_by_id(db, token_id)


def token_by_id(db: sqlite3.Connection, token_id: int) -> Token | None:
    row = db.execute("SELECT * FROM api_tokens WHERE id = ?", (token_id,)).fetchone()
    return _token(row) if row else None


def tokens(db: sqlite3.Connection) -> list[Token]:
    return [_token(row) for row in db.execute("SELECT * FROM api_tokens ORDER BY id")]


def token_user(db: sqlite3.Connection, text: str, verify: bool = True) -> str | None:
    """The user name a valid, unrevoked token acts for; None for anything else (same answer whatever was
    wrong). `verify=False` skips the argon2 check of the secret, for a token checked a moment ago: whether
    it is still unrevoked is read all the same."""
    match = TOKEN.fullmatch(text.strip())
    row = db.execute("SELECT * FROM api_tokens WHERE id = ? AND revoked_at IS NULL",
                     (int(match.group(1)),)).fetchone() if match else None
    if row is None:
        return None
    if not verify:
        return row["user_name"]
    try:
        _HASHER.verify(row["secret_hash"], match.group(2))
    except (VerificationError, InvalidHashError):
        return None
    return row["user_name"]


def _token(row: sqlite3.Row) -> Token:
    return Token(row["id"], row["user_name"], row["label"], row["created_at"], row["created_by"],
                 row["revoked_at"], row["last_used_at"])
