"""Each logged-in user's conversations, and answers shared by link. An answer is kept as its record (JSON:
answer.records), whose sources name passages and documents by id, so what is shown later is read from the
catalogue again, for the person who looks. Data access only: statements autocommit one by one, and a turn
is one INSERT (with the conversation's time updated)."""
from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass

from corpus.db import utc_now

TITLE_CHARS = 80


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


def share_answer(db: sqlite3.Connection, user_name: str, record: dict) -> str:
    """A link token for an answer (unguessable; the answer's sources are checked for whoever opens it)."""
    token = secrets.token_urlsafe(16)
    db.execute("INSERT INTO shared_answers (token, user_name, answer, shared_at) VALUES (?, ?, ?, ?)",
               (token, user_name, json.dumps(record, ensure_ascii=False), utc_now()))
    return token


def shared_answer(db: sqlite3.Connection, token: str) -> dict | None:
    row = db.execute("SELECT answer FROM shared_answers WHERE token = ?", (token[:100],)).fetchone()
    return json.loads(row["answer"]) if row else None
