"""API tokens: `kalla_<id>_<secret>`, each acting as one registered user (whose role and groups are read
anew at every request). Only an argon2id hash of the secret is stored; the token is shown once, when it is
issued. A wrong secret costs the same argon2 check whether its token id exists or not (a dummy hash for an
unknown id), so timing tells nothing about which ids exist. Data access only: the caller holds the
transaction (desk.accounts), except for the best-effort `last_used_at` stamp and refusal records, which
never wait long for a writer."""
from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from corpus.audit import record
from corpus.db import transaction, utc_now
from corpus.users import AccountProblem, find_user

_HASHER = PasswordHasher()
TOKEN = re.compile(r"kalla_(\d{1,18})_([A-Za-z0-9_-]{20,100})")
TOUCH_SECONDS = 60  # last_used_at is written at most this often per token
BUSY_MS = 250  # how long a best-effort write waits for another writer before it is skipped


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
        raise AccountProblem("token_user_missing", name=user_name)
    secret = secrets.token_urlsafe(32)
    cursor = db.execute("INSERT INTO api_tokens (user_name, label, secret_hash, created_at, created_by) "
                        "VALUES (?, ?, ?, ?, ?)", (user.name, label, _HASHER.hash(secret), utc_now(), actor))
    token = token_by_id(db, int(cursor.lastrowid))
    record(db, actor, "issue-token", subject=user.name, after={"token": token.id, "label": label})
    return token, f"kalla_{token.id}_{secret}"


def revoke_token(db: sqlite3.Connection, token_id: int, actor: str) -> Token:
    token = token_by_id(db, token_id)
    if token is None:
        raise AccountProblem("token_missing", id=token_id)
    db.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (utc_now(), token_id))
    record(db, actor, "revoke-token", subject=token.user_name, before={"token": token_id})
    return token_by_id(db, token_id)


def token_by_id(db: sqlite3.Connection, token_id: int) -> Token | None:
    row = db.execute("SELECT * FROM api_tokens WHERE id = ?", (token_id,)).fetchone()
    return _token(row) if row else None


def tokens(db: sqlite3.Connection) -> list[Token]:
    return [_token(row) for row in db.execute("SELECT * FROM api_tokens ORDER BY id")]


def token_user(db: sqlite3.Connection, text: str, verify: bool = True) -> str | None:
    """The user name a valid, unrevoked token acts for, if that user's account is not locked; None for
    anything else (same answer, and the same argon2 cost, whatever was wrong). `verify=False` skips the
    argon2 check of the secret, for a token checked a moment ago: whether it is still unrevoked and its
    user unlocked is read all the same. A use is stamped in last_used_at, at most once a minute."""
    match = TOKEN.fullmatch(text.strip())
    if match is None:
        return None
    row = db.execute("SELECT * FROM api_tokens WHERE id = ? AND revoked_at IS NULL",
                     (int(match.group(1)),)).fetchone()
    if verify and not _verified(row["secret_hash"] if row else _dummy_hash(), match.group(2)):
        return None
    if row is None:
        return None
    user = find_user(db, row["user_name"])
    if user is None or user.locked:
        return None
    _touch(db, row)
    return row["user_name"]


def token_id(text: str) -> int | None:
    """The id a token text names (whether or not it exists), None when it is not shaped like a token."""
    match = TOKEN.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def record_refusal(db: sqlite3.Connection, text: str, client: str, throttled: bool = False) -> bool:
    """An audit record of a refused token (its id, never its secret) from `client`; best effort: skipped,
    and False, when another writer holds the catalogue for longer than a moment."""
    number = token_id(text)
    return _best_effort(db, lambda: record(
        db, "api", "api-token-refused", subject=f"token {number}" if number is not None else "token ?",
        after={"client": client[:200], **({"throttled": True} if throttled else {})}))


def _verified(secret_hash: str, secret: str) -> bool:
    try:
        return _HASHER.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """What an unknown id's secret is checked against: a hash with the same parameters as a real one."""
    return _HASHER.hash(secrets.token_urlsafe(32))


def _touch(db: sqlite3.Connection, row: sqlite3.Row) -> None:
    cutoff = (datetime.now(UTC) - timedelta(seconds=TOUCH_SECONDS)).isoformat(timespec="seconds")
    if row["last_used_at"] is None or row["last_used_at"] < cutoff:
        _best_effort(db, lambda: db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                                            (utc_now(), row["id"])))


def _best_effort(db: sqlite3.Connection, write) -> bool:
    """Run `write` in its own short transaction unless another writer keeps the catalogue busy."""
    timeout = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    try:
        with transaction(db):
            write()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def _token(row: sqlite3.Row) -> Token:
    return Token(row["id"], row["user_name"], row["label"], row["created_at"], row["created_by"],
                 row["revoked_at"], row["last_used_at"])


class Tokens:
    """API tokens (`catalogue.tokens`): issued and revoked inside the caller's transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def issue(self, user_name: str, actor: str, label: str | None = None) -> tuple[Token, str]:
        return issue_token(self._db, user_name, actor, label)

    def revoke(self, token_id: int, actor: str) -> Token:
        return revoke_token(self._db, token_id, actor)

    def by_id(self, token_id: int) -> Token | None:
        return token_by_id(self._db, token_id)

    def all(self) -> list[Token]:
        return tokens(self._db)

    def user_of(self, text: str, verify: bool = True) -> str | None:
        """The user a valid token acts for (see token_user); None otherwise."""
        return token_user(self._db, text, verify)

    def record_refusal(self, text: str, client: str, throttled: bool = False) -> bool:
        return record_refusal(self._db, text, client, throttled)
