"""Who changed what, when: every curation action with the values before and after."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from corpus.db import utc_now


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str  # add, edit, tag, untag, collect, uncollect, withdraw, restore, replace, delete, approve, ...
    document_id: int | None
    subject: str | None  # what the action was about when not a document (a collection, a user)
    before: dict | None
    after: dict | None

    def changes(self) -> str:
        """'title: 'A' → 'B'; series: None → 'SOU'' for the fields that differ."""
        before, after = self.before or {}, self.after or {}
        keys = [k for k in dict.fromkeys([*before, *after])
                if before.get(k) != after.get(k) and (before.get(k) or after.get(k))]
        return "; ".join(f"{k}: {before.get(k)!r} → {after.get(k)!r}" for k in keys)


def record(db: sqlite3.Connection, actor: str, action: str, document_id: int | None = None,
           subject: str | None = None, before: dict | None = None, after: dict | None = None) -> None:
    """Write one entry (inside the caller's transaction, so the change and its record land together)."""
    dump = lambda value: None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=list)
    db.execute("INSERT INTO audit_log (at, actor, action, document_id, subject, before, after) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)",
               (utc_now(), actor, action, document_id, subject, dump(before), dump(after)))


def entries(db: sqlite3.Connection, document_id: int | None = None, actor: str | None = None,
            action: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """Newest first, optionally about one document, by one person or of one kind."""
    clauses, parameters = [], []
    for column, value in (("document_id", document_id), ("actor", actor), ("action", action)):
        if value is not None:
            clauses.append(f"{column} = ?")
            parameters.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = db.execute(f"SELECT * FROM audit_log {where} ORDER BY id DESC LIMIT ?", [*parameters, limit])
    load = lambda text: json.loads(text) if text else None
    return [AuditEntry(row["id"], row["at"], row["actor"], row["action"], row["document_id"], row["subject"],
                       load(row["before"]), load(row["after"])) for row in rows]


class Audit:
    """The audit log (`catalogue.audit`): an entry is written inside the caller's transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def record(self, actor: str, action: str, document_id: int | None = None, subject: str | None = None,
               before: dict | None = None, after: dict | None = None) -> None:
        record(self._db, actor, action, document_id, subject, before, after)

    def entries(self, document_id: int | None = None, actor: str | None = None, action: str | None = None,
                limit: int = 200) -> list[AuditEntry]:
        return entries(self._db, document_id, actor, action, limit)
