"""Collections: named groups of documents. One may require review before its documents are searchable,
and one may be restricted to roles or groups (see corpus.access)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from corpus.access import Viewer
from corpus.audit import record
from corpus.db import utc_now
from corpus.users import NotAllowed, require
from text.problems import Problem, Term


class CollectionProblem(Problem, ValueError):
    """A collection that cannot be made as asked (text.problems)."""


class UnknownCollection(Problem, LookupError):
    pass


@dataclass(frozen=True)
class Collection:
    id: int
    name: str
    description: str | None
    requires_review: bool
    access: tuple[str, ...]  # roles or groups that may see it; empty = everyone
    documents: int = 0

    @property
    def restricted(self) -> bool:
        return bool(self.access)


def collections(db: sqlite3.Connection) -> list[Collection]:
    rows = db.execute("SELECT c.*, (SELECT COUNT(*) FROM document_collections dc WHERE dc.collection_id = c.id) "
                      "AS documents FROM collections c ORDER BY lower(c.name)").fetchall()
    return [_collection(db, row) for row in rows]


def collection(db: sqlite3.Connection, name: str) -> Collection:
    row = db.execute("SELECT c.*, (SELECT COUNT(*) FROM document_collections dc WHERE dc.collection_id = c.id) "
                     "AS documents FROM collections c WHERE c.name = ?", (name,)).fetchone()
    if row is None:
        known = ", ".join(c.name for c in collections(db)) or Term("none_yet")
        raise UnknownCollection("unknown_collection", name=name, known=known)
    return _collection(db, row)


def create_collection(db: sqlite3.Connection, name: str, actor: str, description: str | None = None,
                      requires_review: bool = False, access: tuple[str, ...] = ()) -> Collection:
    """Create a collection and its audit record by `actor` (inside the caller's transaction)."""
    name = name.strip()
    if not name:
        raise CollectionProblem("collection_needs_name")
    if db.execute("SELECT 1 FROM collections WHERE name = ?", (name,)).fetchone():
        raise CollectionProblem("collection_exists", name=name)
    db.execute("INSERT INTO collections (name, description, requires_review, created_at, created_by) "
               "VALUES (?, ?, ?, ?, ?)", (name, description, int(requires_review), utc_now(), actor))
    set_access(db, name, access)
    created = collection(db, name)
    record(db, actor, "create-collection", subject=name, after=_values(created))
    return created


def update_collection(db: sqlite3.Connection, name: str, actor: str, requires_review: bool | None = None,
                      access: tuple[str, ...] | None = None, description: str | None = None) -> Collection:
    """Change review, access or description (None leaves it), with its audit record by `actor` (inside the
    caller's transaction)."""
    current = collection(db, name)
    if requires_review is not None:
        db.execute("UPDATE collections SET requires_review = ? WHERE id = ?", (int(requires_review), current.id))
    if description is not None:
        db.execute("UPDATE collections SET description = ? WHERE id = ?", (description, current.id))
    if access is not None:
        set_access(db, name, access)
    after = collection(db, name)
    record(db, actor, "change-collection", subject=current.name, before=_values(current), after=_values(after))
    return after


def _values(c: Collection) -> dict:
    return {"requires_review": c.requires_review, "access": list(c.access), "description": c.description}


def set_access(db: sqlite3.Connection, name: str, access: tuple[str, ...]) -> None:
    collection_id = db.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()[0]
    db.execute("DELETE FROM collection_access WHERE collection_id = ?", (collection_id,))
    db.executemany("INSERT OR IGNORE INTO collection_access (collection_id, principal) VALUES (?, ?)",
                   [(collection_id, p.strip().lower()) for p in access if p.strip()])


def put_in_collection(db: sqlite3.Connection, document_id: int, name: str) -> bool:
    """True when the document was not in it before."""
    cursor = db.execute("INSERT OR IGNORE INTO document_collections (document_id, collection_id) VALUES (?, ?)",
                        (document_id, collection(db, name).id))
    return cursor.rowcount > 0


def restricted_collections_of(db: sqlite3.Connection, document_id: int) -> list[str]:
    """The names of the document's collections whose access is restricted."""
    rows = db.execute("SELECT c.name FROM collections c JOIN document_collections dc ON dc.collection_id = c.id "
                      "WHERE dc.document_id = ? AND EXISTS (SELECT 1 FROM collection_access ca "
                      "WHERE ca.collection_id = c.id) ORDER BY lower(c.name)", (document_id,))
    return [row[0] for row in rows]


def take_out_of_collection(db: sqlite3.Connection, document_id: int, name: str) -> bool:
    cursor = db.execute("DELETE FROM document_collections WHERE document_id = ? AND collection_id = ?",
                        (document_id, collection(db, name).id))
    return cursor.rowcount > 0


def _collection(db: sqlite3.Connection, row: sqlite3.Row) -> Collection:
    access = tuple(r[0] for r in db.execute(
        "SELECT principal FROM collection_access WHERE collection_id = ? ORDER BY principal", (row["id"],)))
    return Collection(row["id"], row["name"], row["description"], bool(row["requires_review"]), access,
                      int(row["documents"]))


class Collections:
    """The collections and which documents they hold (`catalogue.collections`): writes inside the caller's
    transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def all(self) -> list[Collection]:
        return collections(self._db)

    def named(self, name: str) -> Collection:
        """The collection of that name; UnknownCollection when there is none."""
        return collection(self._db, name)

    def create(self, name: str, actor: str, description: str | None = None, requires_review: bool = False,
               access: tuple[str, ...] = ()) -> Collection:
        return create_collection(self._db, name, actor, description, requires_review, access)

    def update(self, name: str, actor: str, requires_review: bool | None = None, access: tuple[str, ...] | None = None,
               description: str | None = None) -> Collection:
        return update_collection(self._db, name, actor, requires_review, access, description)

    def put(self, document_id: int, name: str) -> bool:
        return put_in_collection(self._db, document_id, name)

    def take_out(self, document_id: int, name: str) -> bool:
        return take_out_of_collection(self._db, document_id, name)

    def restricted_of(self, document_id: int) -> list[str]:
        return restricted_collections_of(self._db, document_id)

    def check_may_add(self, viewer: Viewer, name: str) -> Collection:
        """The collection `viewer` may add documents into: UnknownCollection when there is none, NotAllowed
        when it is restricted and the viewer does not curate (a reader could otherwise place documents where
        only some may see them, or learn what is there from the duplicate pointers)."""
        target = self.named(name)
        if target.restricted:
            try:
                require(viewer, "librarian")
            except NotAllowed as exc:
                raise NotAllowed("cli_collection_restricted", problem=exc.phrase, name=target.name) from exc
        return target
