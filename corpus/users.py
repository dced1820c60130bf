"""Users, roles and passwords (argon2id hashes; the password itself is never stored)."""
from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from corpus.access import ROLES, Viewer
from corpus.audit import record
from corpus.db import utc_now
from text.messages import message
from text.problems import Problem, Term

_HASHER = PasswordHasher()
MIN_PASSWORD = 10
MIN_DISTINCT_CHARACTERS = 5
LOCK_AFTER = 5  # failed logins in a row lock an account until an admin unlocks it
CLIENT_LIMIT = 20  # failed logins from one client within WINDOW_MINUTES: refused until the window passes
WINDOW_MINUTES = 15
UNKNOWN_CLIENT = "okänd"  # stored as the client address of a log-in from an address not known
COMMON_PASSWORDS = frozenset("""
lösenord123 lösenordet password123 passw0rd123 1234567890 0123456789 12345678910 qwertyuiop asdfghjkl1
abcdefghij sommar2024 sommar2025 sommar2026 vinter2025 vinter2026 välkommen1 välkommen123 hösten2026
""".split())


@dataclass(frozen=True)
class User:
    name: str
    role: str
    groups: tuple[str, ...]
    disabled: bool
    created_at: str
    locked: bool = False

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.name, self.role, self.groups)


def add_user(db: sqlite3.Connection, name: str, password: str, role: str = "reader",
             groups: tuple[str, ...] = (), actor: str = "system") -> User:
    """Create a user and its audit record by `actor` (inside the caller's transaction)."""
    name = name.strip()
    _check(name, role)
    _check_password(password)
    if find_user(db, name):
        raise AccountProblem("user_exists", name=name)
    db.execute("INSERT INTO users (name, password_hash, role, groups, created_at) VALUES (?, ?, ?, ?, ?)",
               (name, _HASHER.hash(password), role, _groups(groups), utc_now()))
    user = find_user(db, name)
    record(db, actor, "add-user", subject=user.name, after=_values(user))
    return user


def authenticate(db: sqlite3.Connection, name: str, password: str, client: str = UNKNOWN_CLIENT) -> User | None:
    """The user when name and password match, the account is enabled and not locked, and the client is not
    over its limit of failures; None otherwise, the same answer whatever was wrong (and about the same
    time: a hash is computed either way). Every attempt is recorded; a failure also in the audit log, and
    LOCK_AFTER failures in a row lock the account until an admin unlocks it. Writes inside the caller's
    transaction (desk.accounts.log_in holds one)."""
    name = name.strip()
    row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    limited = client_failures(db, client) >= CLIENT_LIMIT
    verified = False
    if row is None or limited or row["locked_at"]:
        _HASHER.hash(password)  # spend the same time as a real check
    else:
        try:
            verified = _HASHER.verify(row["password_hash"], password)
        except (VerificationError, InvalidHashError):
            verified = False
    succeeded = verified and not row["disabled"]
    db.execute("INSERT INTO login_attempts (user_name, client, at, succeeded) VALUES (?, ?, ?, ?)",
               (name[:200], client[:200], utc_now(), int(succeeded)))
    if succeeded:
        db.execute("UPDATE users SET failed_logins = 0 WHERE name = ?", (row["name"],))
        if _HASHER.check_needs_rehash(row["password_hash"]):
            db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (_HASHER.hash(password), row["name"]))
    else:
        record(db, client[:200], "login-failed", subject=name[:200],
               after={"reason": "rate-limited" if limited else "refused"})
        if row is not None and not row["locked_at"] and not limited:
            failures = row["failed_logins"] + 1
            db.execute("UPDATE users SET failed_logins = ? WHERE name = ?", (failures, row["name"]))
            if failures >= LOCK_AFTER:
                db.execute("UPDATE users SET locked_at = ? WHERE name = ?", (utc_now(), row["name"]))
                record(db, "system", "lock-user", subject=row["name"], after={"failed_logins": failures})
    return find_user(db, name) if succeeded else None


def client_failures(db: sqlite3.Connection, client: str, minutes: int = WINDOW_MINUTES) -> int:
    """Failed logins from one client (address) within the last `minutes`."""
    since = _minutes_ago(minutes)
    return int(db.execute("SELECT COUNT(*) FROM login_attempts WHERE client = ? AND NOT succeeded AND at >= ?",
                          (client[:200], since)).fetchone()[0])


def recent_failures(db: sqlite3.Connection, name: str, client: str, minutes: int = WINDOW_MINUTES) -> int:
    """Failed logins for this user name or from this client within the last `minutes` (to slow guessing)."""
    since = _minutes_ago(minutes)
    return int(db.execute("SELECT COUNT(*) FROM login_attempts WHERE (user_name = ? OR client = ?) AND NOT succeeded "
                          "AND at >= ?", (name.strip()[:200], client[:200], since)).fetchone()[0])


def _minutes_ago(minutes: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(timespec="seconds")


def find_user(db: sqlite3.Connection, name: str) -> User | None:
    row = db.execute("SELECT * FROM users WHERE name = ?", (name.strip(),)).fetchone()
    return _user(row) if row else None


def users(db: sqlite3.Connection) -> list[User]:
    return [_user(row) for row in db.execute("SELECT * FROM users ORDER BY lower(name)")]


def update_user(db: sqlite3.Connection, name: str, role: str | None = None, groups: tuple[str, ...] | None = None,
                password: str | None = None, disabled: bool | None = None, actor: str = "system",
                unlock: bool = False) -> User:
    """Change what is given (None leaves a field as it is), with its audit record by `actor` (inside the
    caller's transaction)."""
    user = find_user(db, name)
    if user is None:
        raise AccountProblem("user_missing", name=name)
    if role is not None:
        _check(user.name, role)
    if password is not None:
        _check_password(password)
    if user.role == "admin" and (role not in (None, "admin") or disabled):
        admins = db.execute("SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled").fetchone()[0]
        if admins <= 1:
            raise AccountProblem("only_admin", name=user.name)
    for column, value in (("role", role), ("groups", None if groups is None else _groups(groups)),
                          ("password_hash", None if password is None else _HASHER.hash(password)),
                          ("disabled", None if disabled is None else int(disabled))):
        if value is not None:
            db.execute(f"UPDATE users SET {column} = ? WHERE name = ?", (value, user.name))
    if unlock:
        db.execute("UPDATE users SET locked_at = NULL, failed_logins = 0 WHERE name = ?", (user.name,))
    after = find_user(db, user.name)
    record(db, actor, "change-user", subject=user.name, before=_values(user),
           after={**_values(after), **({"password": "ändrat"} if password is not None else {})})
    return after


def _values(user: User) -> dict:
    return {"role": user.role, "groups": list(user.groups), "disabled": user.disabled, "locked": user.locked}


def _check(name: str, role: str) -> None:
    if not name:
        raise AccountProblem("user_name_empty")
    if name.lower().startswith(PROVIDER_PREFIX):
        raise AccountProblem("user_name_reserved", prefix=PROVIDER_PREFIX)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise AccountProblem("user_name_invisible")
    scripts = {unicodedata.name(ch, "?").split()[0] for ch in name if ch.isalpha()}
    if len(scripts & {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN"}) > 1:
        raise AccountProblem("user_name_mixed_scripts")
    if role not in ROLES:
        raise AccountProblem("unknown_role", role=role, roles=", ".join(ROLES))


def _check_password(password: str) -> None:
    if len(password.strip()) < MIN_PASSWORD:
        raise AccountProblem("password_short", minimum=MIN_PASSWORD)
    if len(set(password.casefold())) < MIN_DISTINCT_CHARACTERS or password.casefold() in COMMON_PASSWORDS:
        raise AccountProblem("password_guessable")


def _groups(groups: tuple[str, ...]) -> str:
    return ",".join(sorted({g.strip().lower() for g in groups if g.strip()}))


def _user(row: sqlite3.Row) -> User:
    groups = tuple(g for g in row["groups"].split(",") if g)
    return User(row["name"], row["role"], groups, bool(row["disabled"]), row["created_at"],
                bool(row["locked_at"]) if "locked_at" in row.keys() else False)


class AccountProblem(Problem, ValueError):
    """A user or password that cannot be accepted (text.problems: a message id and its values)."""


class NotAllowed(Problem, PermissionError):
    """The acting user's role does not allow this."""


def enabled_viewer(db: sqlite3.Connection, name: str) -> Viewer | None:
    """The registered, enabled user of that name as the catalogue has them now; None otherwise."""
    user = find_user(db, name)
    return user.viewer if user is not None and not user.disabled else None


def acting_viewer(db: sqlite3.Connection, name: str) -> Viewer:
    """Who a command-line user is. The registered user of that name (KALLA_USER, else the login name);
    an unregistered name is an anonymous reader, except before any user exists, when the person who set
    the library up acts as admin (to create the first users)."""
    registered = enabled_viewer(db, name)
    if registered is not None:
        return registered
    if db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is None:
        return Viewer(name, "admin")
    return Viewer(name, "reader")


def require(viewer: Viewer, role: str) -> None:
    """NotAllowed unless the viewer curates (role 'librarian') or administers (role 'admin')."""
    if not viewer.holds(role):
        raise NotAllowed("not_allowed_role", name=viewer.name, role=Term("role_" + viewer.role),
                         wanted=Term("role_admin" if role == "admin" else "role_librarian"))


ROLE_NAMES = {role: message("role_" + role) for role in ROLES}  # the command line's words


PROVIDER_PREFIX = "oidc:"  # organisation identities without a verified e-mail: "oidc:<issuer>#<subject>"


def organisation_viewer(db: sqlite3.Connection, claims: dict, groups_claim: str = "groups",
                        librarian_groups: tuple[str, ...] = (), admin_groups: tuple[str, ...] = ()) -> Viewer | None:
    """Who an organisation (OIDC) login is. With a verified e-mail (`email_verified`), the user of that
    e-mail: combined with a local user of that name where there is one (the higher role, both sets of
    groups), and kept out (None) where that local user is disabled. Otherwise the provider's own identity,
    "oidc:<issuer>#<subject>", which no local account can have: never merged on an unverified e-mail,
    `preferred_username` or `sub`. Role and groups come from the provider's `groups_claim` (a list, or one
    comma-separated string); entries that are not text, or that are role names, are no groups."""
    email = str(claims.get("email") or "").strip()
    verified = claims.get("email_verified") in (True, "true", "True")
    subject = str(claims.get("sub") or "").strip()
    if not (email and verified) and not subject:
        return None
    label = email or str(claims.get("preferred_username") or "").strip() or subject
    groups = provider_groups(claims.get(groups_claim))
    folded = {g.lower() for g in groups}
    role = "admin" if folded & {g.lower() for g in admin_groups} else \
        "librarian" if folded & {g.lower() for g in librarian_groups} else "reader"
    if not (email and verified):
        return Viewer(f"{PROVIDER_PREFIX}{str(claims.get('iss') or '').strip()}#{subject}", role, groups, label)
    local = find_user(db, email)
    if local is not None and local.disabled:
        return None
    if local is not None:
        role = max(role, local.role, key=ROLES.index)
        groups = tuple(dict.fromkeys((*local.groups, *groups)))
    return Viewer(email, role, groups)


def provider_groups(raw: object) -> tuple[str, ...]:
    """The groups an identity provider names (a list, or one comma-separated string): text entries only,
    and none named like a role (a provider group "Librarian" must not open what is restricted to the role)."""
    entries = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, (list, tuple)) else ()
    names = (entry.strip() for entry in entries if isinstance(entry, str))
    return tuple(dict.fromkeys(name for name in names if name and name.lower() not in ROLES))


class Users:
    """The users, their logins and who they are (`catalogue.users`): writes inside the caller's transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def add(self, name: str, password: str, role: str = "reader", groups: tuple[str, ...] = (),
            actor: str = "system") -> User:
        return add_user(self._db, name, password, role, groups, actor)

    def authenticate(self, name: str, password: str, client: str = UNKNOWN_CLIENT) -> User | None:
        return authenticate(self._db, name, password, client)

    def client_failures(self, client: str, minutes: int = WINDOW_MINUTES) -> int:
        return client_failures(self._db, client, minutes)

    def recent_failures(self, name: str, client: str, minutes: int = WINDOW_MINUTES) -> int:
        return recent_failures(self._db, name, client, minutes)

    def find(self, name: str) -> User | None:
        return find_user(self._db, name)

    def all(self) -> list[User]:
        return users(self._db)

    def update(self, name: str, role: str | None = None, groups: tuple[str, ...] | None = None,
               password: str | None = None, disabled: bool | None = None, actor: str = "system",
               unlock: bool = False) -> User:
        return update_user(self._db, name, role, groups, password, disabled, actor, unlock)

    def enabled_viewer(self, name: str) -> Viewer | None:
        return enabled_viewer(self._db, name)

    def acting_viewer(self, name: str) -> Viewer:
        return acting_viewer(self._db, name)

    def organisation_viewer(self, claims: dict, groups_claim: str = "groups", librarian_groups: tuple[str, ...] = (),
                            admin_groups: tuple[str, ...] = ()) -> Viewer | None:
        return organisation_viewer(self._db, claims, groups_claim, librarian_groups, admin_groups)
