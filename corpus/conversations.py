"""Each logged-in user's conversations, and answers shared by link. An answer is kept as its record (JSON:
answer.records), whose sources name passages and documents by id, so what is shown later is read from the
catalogue again, for the person who looks. A shared link expires (LINK_DAYS unless told otherwise) and can be
revoked; its owner and an admin list and revoke links through desk.links. Data access only: statements
autocommit one by one, and a turn is one INSERT (with the conversation's time updated)."""
from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from corpus.db import utc_now

TITLE_CHARS = 80
LINK_DAYS = 30  # a shared answer's link works this long


@dataclass(frozen=True)
class SharedLink:
    """A link to a shared answer: `id` names it in lists and when it is revoked; `token` is the link itself."""
    id: int
    token: str
    user_name: str
    question: str
    shared_at: str
    expires_at: str | None
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > utc_now())


@dataclass(frozen=True)
class Conversation:
    id: int
    user_name: str
    title: str
    updated_at: str


def save_turn(db: sqlite3.Connection, user_name: str, conversation_id: int | None, question: str,
              record: dict) -> int:
    """Add a question and its answer to the user's conversation (a new one when None or not theirs);
    the conversation's id."""
    now = utc_now()
    if conversation_id is None or conversation(db, conversation_id, user_name) is None:
        title = " ".join(question.split())[:TITLE_CHARS] or "…"
        conversation_id = int(db.execute("INSERT INTO conversations (user_name, title, created_at, updated_at) "
                                         "VALUES (?, ?, ?, ?)", (user_name, title, now, now)).lastrowid)
    db.execute("INSERT INTO conversation_turns (conversation_id, question, answer, asked_at) VALUES (?, ?, ?, ?)",
               (conversation_id, question, json.dumps(record, ensure_ascii=False), now))
    db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
    return conversation_id


def conversation(db: sqlite3.Connection, conversation_id: int, user_name: str) -> Conversation | None:
    row = db.execute("SELECT * FROM conversations WHERE id = ? AND user_name = ?", (conversation_id, user_name)).fetchone()
    return Conversation(row["id"], row["user_name"], row["title"], row["updated_at"]) if row else None


def conversations(db: sqlite3.Connection, user_name: str, limit: int = 20) -> list[Conversation]:
    rows = db.execute("SELECT * FROM conversations WHERE user_name = ? ORDER BY updated_at DESC, id DESC LIMIT ?",
                      (user_name, limit))
    return [Conversation(r["id"], r["user_name"], r["title"], r["updated_at"]) for r in rows]


def turns(db: sqlite3.Connection, conversation_id: int, user_name: str) -> list[tuple[str, dict]]:
    """(question, answer record) of a user's own conversation, oldest first; nothing for another's."""
    if conversation(db, conversation_id, user_name) is None:
        return []
    rows = db.execute("SELECT question, answer FROM conversation_turns WHERE conversation_id = ? ORDER BY id",
                      (conversation_id,))
    return [(row["question"], json.loads(row["answer"])) for row in rows]


def delete_conversation(db: sqlite3.Connection, conversation_id: int, user_name: str) -> bool:
    return db.execute("DELETE FROM conversations WHERE id = ? AND user_name = ?",
                      (conversation_id, user_name)).rowcount > 0


def share_answer(db: sqlite3.Connection, user_name: str, record: dict, days: int = LINK_DAYS) -> str:
    """A link token for an answer (unguessable; the answer's sources are checked for whoever opens it),
    working for `days` days."""
    token = secrets.token_urlsafe(16)
    expires = (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")
    db.execute("INSERT INTO shared_answers (token, user_name, answer, shared_at, expires_at) VALUES (?, ?, ?, ?, ?)",
               (token, user_name, json.dumps(record, ensure_ascii=False), utc_now(), expires))
    return token


def shared_answer(db: sqlite3.Connection, token: str) -> dict | None:
    """The answer behind a link that is neither expired nor revoked; None otherwise."""
    row = db.execute("SELECT answer FROM shared_answers WHERE token = ? AND revoked_at IS NULL "
                     "AND (expires_at IS NULL OR expires_at > ?)", (token[:100], utc_now())).fetchone()
    return json.loads(row["answer"]) if row else None


def shared_links(db: sqlite3.Connection, user_name: str | None = None) -> list[SharedLink]:
    """One user's links (everyone's when None), newest first, expired and revoked ones included."""
    where, parameters = ("WHERE user_name = ? COLLATE NOCASE", (user_name,)) if user_name is not None else ("", ())
    rows = db.execute(f"SELECT rowid AS id, * FROM shared_answers {where} ORDER BY shared_at DESC, rowid DESC",
                      parameters)
    return [_link(row) for row in rows]


def shared_link(db: sqlite3.Connection, link_id: int) -> SharedLink | None:
    row = db.execute("SELECT rowid AS id, * FROM shared_answers WHERE rowid = ?", (link_id,)).fetchone()
    return _link(row) if row else None


def revoke_shared_link(db: sqlite3.Connection, link_id: int) -> None:
    db.execute("UPDATE shared_answers SET revoked_at = ? WHERE rowid = ? AND revoked_at IS NULL", (utc_now(), link_id))


def _link(row: sqlite3.Row) -> SharedLink:
    try:
        question = str(json.loads(row["answer"]).get("question") or "")
    except (ValueError, AttributeError):
        question = ""
    return SharedLink(row["id"], row["token"], row["user_name"], question, row["shared_at"], row["expires_at"],
                      row["revoked_at"])


class Conversations:
    """Stored conversations and shared answers (`catalogue.conversations`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def save_turn(self, user_name: str, conversation_id: int | None, question: str, record: dict) -> int:
        return save_turn(self._db, user_name, conversation_id, question, record)

    def of(self, user_name: str, limit: int = 20) -> list[Conversation]:
        """The user's conversations, the latest first."""
        return conversations(self._db, user_name, limit)

    def turns(self, conversation_id: int, user_name: str) -> list[tuple[str, dict]]:
        return turns(self._db, conversation_id, user_name)

    def delete(self, conversation_id: int, user_name: str) -> bool:
        return delete_conversation(self._db, conversation_id, user_name)

    def share_answer(self, user_name: str, record: dict, days: int = LINK_DAYS) -> str:
        return share_answer(self._db, user_name, record, days)

    def shared_answer(self, token: str) -> dict | None:
        return shared_answer(self._db, token)

    def shared_links(self, user_name: str | None = None) -> list[SharedLink]:
        return shared_links(self._db, user_name)

    def shared_link(self, link_id: int) -> SharedLink | None:
        return shared_link(self._db, link_id)

    def revoke_shared_link(self, link_id: int) -> None:
        revoke_shared_link(self._db, link_id)
