"""The review queue: documents waiting for approval, and possible near-duplicates or new editions."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from corpus.db import utc_now
from corpus.records import METADATA_FIELDS, Document
from text.problems import Problem


@dataclass(frozen=True)
class ReviewItem:
    id: int
    document_id: int
    kind: str  # pending | near_duplicate
    other_document_id: int | None
    similarity: float | None
    status: str  # open | resolved
    created_at: str
    resolution: str | None = None
    resolved_by: str | None = None


def open_review(db: sqlite3.Connection, document_id: int, kind: str, other_document_id: int | None = None,
                similarity: float | None = None) -> bool:
    """Queue an item unless the same one (for a pair: either way round) is already open."""
    pair = (document_id, other_document_id, other_document_id, document_id)
    exists = db.execute(
        "SELECT 1 FROM review_items WHERE status = 'open' AND kind = ? AND ((document_id = ? AND "
        "other_document_id IS ?) OR (document_id = ? AND other_document_id IS ?))", (kind, *pair)).fetchone()
    if exists:
        return False
    db.execute("INSERT INTO review_items (document_id, kind, other_document_id, similarity, created_at) "
               "VALUES (?, ?, ?, ?, ?)", (document_id, kind, other_document_id, similarity, utc_now()))
    return True


def review_items(db: sqlite3.Connection, status: str | None = "open", document_id: int | None = None) -> list[ReviewItem]:
    clauses, parameters = [], []
    if status:
        clauses.append("status = ?")
        parameters.append(status)
    if document_id is not None:
        clauses.append("(document_id = ? OR other_document_id = ?)")
        parameters += [document_id, document_id]
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = db.execute(f"SELECT * FROM review_items {where} ORDER BY id", parameters)
    return [_item(row) for row in rows]


class ReviewItemMissing(Problem, LookupError):
    """No review item with this id."""


def review_item(db: sqlite3.Connection, item_id: int) -> ReviewItem:
    row = db.execute("SELECT * FROM review_items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise ReviewItemMissing("review_item_missing", id=item_id)
    return _item(row)


def resolve(db: sqlite3.Connection, item_id: int, actor: str, resolution: str) -> None:
    db.execute("UPDATE review_items SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ? "
               "WHERE id = ?", (utc_now(), actor, resolution, item_id))


def resolve_all_for(db: sqlite3.Connection, document_id: int, actor: str, resolution: str, kind: str | None = None) -> None:
    """Close every open item about a document (when it is approved, rejected, replaced or withdrawn)."""
    for item in review_items(db, "open", document_id):
        if kind is None or item.kind == kind:
            resolve(db, item.id, actor, resolution)


def document_values(document: Document) -> dict:
    """A document's curated fields, as recorded before and after each action in the audit log."""
    meta = document.metadata
    return {**{name: getattr(meta, name) for name in METADATA_FIELDS}, "tags": list(meta.tags),
            "collections": list(document.collections), "status": document.status}


def _item(row: sqlite3.Row) -> ReviewItem:
    return ReviewItem(row["id"], row["document_id"], row["kind"], row["other_document_id"], row["similarity"],
                      row["status"], row["created_at"], row["resolution"], row["resolved_by"])


class Review:
    """The review queue (`catalogue.review`): writes inside the caller's transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def open(self, document_id: int, kind: str, other_document_id: int | None = None,
             similarity: float | None = None) -> bool:
        return open_review(self._db, document_id, kind, other_document_id, similarity)

    def items(self, status: str | None = "open", document_id: int | None = None) -> list[ReviewItem]:
        return review_items(self._db, status, document_id)

    def item(self, item_id: int) -> ReviewItem:
        return review_item(self._db, item_id)

    def resolve(self, item_id: int, actor: str, resolution: str) -> None:
        resolve(self._db, item_id, actor, resolution)

    def resolve_all_for(self, document_id: int, actor: str, resolution: str, kind: str | None = None) -> None:
        resolve_all_for(self._db, document_id, actor, resolution, kind)
