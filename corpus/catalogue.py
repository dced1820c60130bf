"""Reads and writes of the catalogue: documents, passages, their vectors and ingest history."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from corpus.access import EVERYTHING, Viewer, visible_clause
from corpus.audit import Audit
from corpus.collections import Collections
from corpus.conversations import Conversations
from corpus.db import connect, transaction, utc_now
from corpus.duplicates import Duplicates
from corpus.editions import Editions
from corpus.feedback import FeedbackLog
from corpus.filters import SearchFilters
from corpus.records import METADATA_FIELDS, STATUSES, Document, DocumentMetadata, IngestEvent, Passage, PassageDraft
from corpus.review import Review
from corpus.status import StatusChanges
from corpus.tokens import Tokens
from corpus.users import Users
from text.messages import message
from text.problems import Phrase, Problem, phrases_from_json, phrases_json


class UnknownValue(Problem, ValueError):
    """A field, column, status or format that is none of those known."""


@dataclass(frozen=True)
class NewDocument:
    """Everything ingest knows about a file, ready to be written in one transaction."""

    content_hash: str
    source_path: str
    stored_path: str
    file_name: str
    media_type: str
    size_bytes: int
    metadata: DocumentMetadata
    language: str | None
    page_count: int | None
    extractor: str


class Catalogue:
    """The one door to the database: documents, passages and ingest history as methods here, the rest as
    repositories (`catalogue.users`, `.collections`, `.conversations`, `.tokens`, `.review`, `.audit`,
    `.duplicates`, `.feedback`, `.editions`, `.status`). Outside corpus/ nothing touches the connection
    (tests/test_one_door.py)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db = connect(self.path)

    # The repositories, each made when first used (a search opens the catalogue and needs none of them).
    @cached_property
    def users(self) -> Users:
        return Users(self._db)

    @cached_property
    def collections(self) -> Collections:
        return Collections(self._db)

    @cached_property
    def conversations(self) -> Conversations:
        return Conversations(self._db)

    @cached_property
    def tokens(self) -> Tokens:
        return Tokens(self._db)

    @cached_property
    def review(self) -> Review:
        return Review(self._db)

    @cached_property
    def audit(self) -> Audit:
        return Audit(self._db)

    @cached_property
    def duplicates(self) -> Duplicates:
        return Duplicates(self._db)

    @cached_property
    def feedback(self) -> FeedbackLog:
        return FeedbackLog(self._db)

    # These two work through the catalogue's own methods and repositories (no SQL of their own).
    @cached_property
    def editions(self) -> Editions:
        return Editions(self)

    @cached_property
    def status(self) -> StatusChanges:
        return StatusChanges(self)

    def close(self) -> None:
        self._db.close()

    def snapshot_to(self, destination: Path) -> None:
        """A copy of the whole catalogue as it is at one moment (SQLite `VACUUM INTO`), in a new file."""
        self._db.execute("VACUUM INTO ?", (str(destination),))

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Catalogue]:
        """One write transaction: what is written inside lands together or not at all."""
        with transaction(self._db):
            yield self

    # --- documents -------------------------------------------------------------------------
    def find_by_hash(self, content_hash: str) -> Document | None:
        """The document with exactly this content, whatever its status (active ones first)."""
        row = self._db.execute(
            "SELECT * FROM documents WHERE content_hash = ? ORDER BY status != 'active', id LIMIT 1",
            (content_hash,)).fetchone()
        return self._document(row) if row else None

    def find_by_hash_except(self, content_hash: str, excluded: Iterable[int]) -> Document | None:
        """As find_by_hash, passing over the documents `excluded` (e.g. those whose content leaves them in this
        run: withdrawn or replaced)."""
        excluded = set(excluded)
        for row in self._db.execute("SELECT * FROM documents WHERE content_hash = ? ORDER BY status != 'active', id",
                                   (content_hash,)):
            if row["id"] not in excluded:
                return self._document(row)
        return None

    def find_current_by_source(self, source_path: str) -> Document | None:
        """The active or pending document last added from this path."""
        row = self._db.execute(
            "SELECT * FROM documents WHERE source_path = ? AND status IN ('active', 'pending') "
            "ORDER BY id DESC LIMIT 1", (source_path,)).fetchone()
        return self._document(row) if row else None

    def document(self, document_id: int, viewer: Viewer = EVERYTHING) -> Document | None:
        """The document, if it exists and the viewer may see it."""
        visible, parameters = visible_clause(viewer)
        row = self._db.execute(f"SELECT * FROM documents d WHERE d.id = ? AND {visible}",
                              (document_id, *parameters)).fetchone()
        return self._document(row) if row else None

    def readable_document(self, document_id: int, viewer: Viewer) -> Document | None:
        """The document as `viewer` may open it: visible to them, and published unless they curate."""
        document = self.document(document_id, viewer)
        return document if document is not None and (document.status == "active" or viewer.curates) else None

    def documents(self, status: str | None = "active") -> list[Document]:
        if status is None:
            rows = self._db.execute("SELECT * FROM documents ORDER BY id")
        else:
            rows = self._db.execute("SELECT * FROM documents WHERE status = ? ORDER BY id", (status,))
        return [self._document(row) for row in rows]

    def find_documents(self, text: str | None = None, status: str | None = None, series: str | None = None,
                       tag: str | None = None, collection: str | None = None, language: str | None = None,
                       year: str | None = None, viewer: Viewer = EVERYTHING) -> list[Document]:
        """The catalogue filtered: `text` matches title, authority, identifier or file name (any case)."""
        visible, parameters = visible_clause(viewer)
        clauses = [visible]
        if text:
            clauses.append("(" + " OR ".join(f"lower(COALESCE(d.{c}, '')) LIKE ?" for c in
                                             ("title", "authority", "identifier", "file_name")) + ")")
            parameters += [f"%{text.lower()}%"] * 4
        for column, value in (("d.status", status), ("lower(d.series)", series and series.lower()),
                              ("d.language", language), ("substr(d.published, 1, 4)", year)):
            if value:
                clauses.append(f"{column} = ?")
                parameters.append(value)
        if tag:
            clauses.append("EXISTS (SELECT 1 FROM document_tags t WHERE t.document_id = d.id AND lower(t.tag) = ?)")
            parameters.append(tag.lower())
        if collection:
            clauses.append("EXISTS (SELECT 1 FROM document_collections dc JOIN collections c ON c.id = "
                           "dc.collection_id WHERE dc.document_id = d.id AND c.name = ?)")
            parameters.append(collection)
        rows = self._db.execute(f"SELECT d.* FROM documents d WHERE {' AND '.join(clauses)} ORDER BY d.id", parameters)
        return [self._document(row) for row in rows]

    def insert_document(self, new: NewDocument, user: str | None, status: str = "active") -> int:
        now = utc_now()
        meta = new.metadata
        cursor = self._db.execute(
            f"""INSERT INTO documents (content_hash, source_path, stored_path, file_name, media_type,
                   size_bytes, {", ".join(METADATA_FIELDS)}, language,
                   page_count, extractor, status, added_at, updated_at, added_by)
               VALUES ({", ".join("?" * (len(METADATA_FIELDS) + 13))})""",
            (new.content_hash, new.source_path, new.stored_path, new.file_name, new.media_type,
             new.size_bytes, *(getattr(meta, name) for name in METADATA_FIELDS), new.language,
             new.page_count, new.extractor, status, now, now, user))
        document_id = int(cursor.lastrowid)
        self._set_tags(document_id, meta.tags)
        return document_id

    def replace_content(self, document_id: int, new: NewDocument) -> None:
        """A changed file: new hash, new metadata as given and (by the caller) new passages."""
        meta = new.metadata
        self._db.execute("DELETE FROM passages WHERE document_id = ?", (document_id,))
        self._db.execute(
            f"""UPDATE documents SET content_hash = ?, stored_path = ?, file_name = ?, media_type = ?,
                   size_bytes = ?, language = ?, page_count = ?, extractor = ?, updated_at = ?,
                   {", ".join(f"{name} = ?" for name in METADATA_FIELDS)}
               WHERE id = ?""",
            (new.content_hash, new.stored_path, new.file_name, new.media_type, new.size_bytes,
             new.language, new.page_count, new.extractor, utc_now(),
             *(getattr(meta, name) for name in METADATA_FIELDS), document_id))
        self._set_tags(document_id, meta.tags)

    def update_metadata(self, document_id: int, values: dict[str, str | None]) -> None:
        """Set the given metadata fields (names from METADATA_FIELDS only)."""
        unknown = set(values) - set(METADATA_FIELDS)
        if unknown:
            raise UnknownValue("catalogue_unknown_fields", fields=", ".join(sorted(unknown)))
        if values:
            self._db.execute(f"UPDATE documents SET {', '.join(f'{name} = ?' for name in values)}, updated_at = ? "
                            "WHERE id = ?", (*values.values(), utc_now(), document_id))

    def change_tags(self, document_id: int, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        self._set_tags(document_id, [tag.strip() for tag in add if tag.strip()])
        self._db.executemany("DELETE FROM document_tags WHERE document_id = ? AND tag = ?",
                            [(document_id, tag.strip()) for tag in remove])

    def move_source(self, document_id: int, source_path: str, file_name: str) -> None:
        """The document's file now lives at another path (renamed or moved, same content)."""
        self._db.execute("UPDATE documents SET source_path = ?, file_name = ?, updated_at = ? WHERE id = ?",
                        (source_path, file_name, utc_now(), document_id))

    def delete_document(self, document_id: int) -> None:
        """The document gone for good, with its passages, vectors and tags (the schema cascades)."""
        self._db.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    def document_count(self) -> int:
        """Every document, whatever its status."""
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def ever_held_documents(self) -> bool:
        """Whether the catalogue holds a document, whatever its status, or ever added one (deleted since)."""
        return (self._db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() or self._db.execute(
            "SELECT 1 FROM ingest_events WHERE outcome IN ('added', 'updated') LIMIT 1").fetchone()) is not None

    def ids_matching(self, column: str, value: str) -> list[int]:
        """Ids of the documents, earlier editions left out, whose content_hash, identifier or file_name is `value`."""
        if column not in ("content_hash", "identifier", "file_name"):
            raise UnknownValue("catalogue_unknown_column", column=column)
        return [row[0] for row in self._db.execute(
            f"SELECT id FROM documents WHERE {column} = ? AND status != 'superseded'", (value,))]

    def ids_from_files(self, paths: Sequence[str], hashes: Sequence[str], statuses: Sequence[str]) -> list[int]:
        """Ids of the documents with one of these statuses added from one of these paths or with one of these
        contents, in order."""
        marks = lambda values: ",".join("?" * len(values))  # noqa: E731
        rows = self._db.execute(
            f"SELECT id FROM documents WHERE status IN ({marks(statuses)}) "
            f"AND (source_path IN ({marks(paths)}) OR content_hash IN ({marks(hashes)})) ORDER BY id",
            (*statuses, *paths, *hashes))
        return [row[0] for row in rows.fetchall()]

    def stored_originals(self) -> list[tuple[int, str, str]]:
        """(id, stored path, content hash) of every document, in order."""
        return [tuple(row) for row in self._db.execute(
            "SELECT id, stored_path, content_hash FROM documents ORDER BY id").fetchall()]

    def refers_to_original(self, stored_path: str) -> bool:
        """Whether any document (whatever its status: an earlier edition too) keeps this stored original."""
        return self._db.execute("SELECT 1 FROM documents WHERE stored_path = ? LIMIT 1",
                               (stored_path,)).fetchone() is not None

    def documents_from(self, folder: str) -> list[Document]:
        """Active or pending documents whose file was added from inside `folder` (a resolved path)."""
        prefix = folder.rstrip("/") + "/"
        rows = self._db.execute("SELECT * FROM documents WHERE status IN ('active', 'pending') "
                               "AND substr(source_path, 1, ?) = ? ORDER BY id", (len(prefix), prefix))
        return [self._document(row) for row in rows]

    def withdrawn_by_sync_from(self, folder: str, mark: str) -> list[Document]:
        """Withdrawn documents from inside `folder` whose withdrawal note ends with `mark` (a folder sync's)."""
        prefix = folder.rstrip("/") + "/"
        rows = self._db.execute("SELECT * FROM documents WHERE status = 'withdrawn' AND substr(source_path, 1, ?) = ? "
                               "AND status_note LIKE ? ORDER BY id", (len(prefix), prefix, f"%{mark}"))
        return [self._document(row) for row in rows]

    def set_status(self, document_id: int, status: str, note: str | None) -> None:
        if status not in STATUSES:
            raise UnknownValue("catalogue_unknown_status", status=status)
        self._db.execute("UPDATE documents SET status = ?, status_note = ?, updated_at = ? WHERE id = ?",
                        (status, note, utc_now(), document_id))

    def set_pages_needing_ocr(self, document_id: int, pages: tuple[int, ...]) -> None:
        self._db.execute("UPDATE documents SET pages_needing_ocr = ? WHERE id = ?",
                        (",".join(map(str, pages)) or None, document_id))

    def set_replaces(self, document_id: int, earlier_id: int) -> None:
        self._db.execute("UPDATE documents SET replaces = ? WHERE id = ?", (earlier_id, document_id))

    def requires_review(self, document_id: int) -> bool:
        """Whether one of the document's collections holds new documents for review."""
        return self._db.execute(
            "SELECT 1 FROM document_collections dc JOIN collections c ON c.id = dc.collection_id "
            "WHERE dc.document_id = ? AND c.requires_review", (document_id,)).fetchone() is not None

    def _set_tags(self, document_id: int, tags: Iterable[str]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO document_tags (document_id, tag) VALUES (?, ?)",
                            [(document_id, tag) for tag in tags])

    def tags(self, document_id: int) -> tuple[str, ...]:
        rows = self._db.execute("SELECT tag FROM document_tags WHERE document_id = ? ORDER BY tag",
                               (document_id,))
        return tuple(row[0] for row in rows)

    def collections_of(self, document_id: int) -> tuple[str, ...]:
        rows = self._db.execute(
            "SELECT c.name FROM collections c JOIN document_collections dc ON dc.collection_id = c.id "
            "WHERE dc.document_id = ? ORDER BY lower(c.name)", (document_id,))
        return tuple(row[0] for row in rows)

    def _document(self, row: sqlite3.Row) -> Document:
        meta = DocumentMetadata(**{name: row[name] for name in METADATA_FIELDS},
                                tags=self.tags(row["id"]))
        return Document(
            id=row["id"], content_hash=row["content_hash"], source_path=row["source_path"],
            stored_path=row["stored_path"], file_name=row["file_name"], media_type=row["media_type"],
            size_bytes=row["size_bytes"], metadata=meta, language=row["language"],
            page_count=row["page_count"], extractor=row["extractor"], status=row["status"],
            added_at=row["added_at"], updated_at=row["updated_at"], added_by=row["added_by"],
            replaces=row["replaces"], status_note=row["status_note"],
            pages_needing_ocr=tuple(int(p) for p in (row["pages_needing_ocr"] or "").split(",") if p),
            collections=self.collections_of(row["id"]))

    # --- passages and vectors ----------------------------------------------------------------
    def insert_passages(self, document_id: int, drafts: Sequence[PassageDraft], vectors: np.ndarray,
                        model: str) -> list[int]:
        ids = []
        for draft, vector in zip(drafts, vectors, strict=True):
            cursor = self._db.execute(
                """INSERT INTO passages (document_id, ordinal, text, page_number, page_label,
                       char_start, char_end, language, ocr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (document_id, draft.ordinal, draft.text, draft.page_number, draft.page_label,
                 draft.char_start, draft.char_end, draft.language, int(draft.ocr)))
            passage_id = int(cursor.lastrowid)
            self._db.execute("INSERT INTO embeddings (passage_id, model, vector) VALUES (?, ?, ?)",
                            (passage_id, model, np.asarray(vector, dtype=np.float32).tobytes()))
            ids.append(passage_id)
        return ids

    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        found: dict[int, Passage] = {}
        for start in range(0, len(ids), 500):
            chunk = [int(i) for i in ids[start:start + 500]]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"SELECT * FROM passages WHERE id IN ({marks})", chunk):
                found[row["id"]] = _passage(row)
        return found

    def document_passages(self, document_id: int) -> list[Passage]:
        rows = self._db.execute("SELECT * FROM passages WHERE document_id = ? ORDER BY ordinal",
                               (document_id,))
        return [_passage(row) for row in rows]

    def indexable_passage_ids(self, model: str) -> np.ndarray:
        """Ids of passages of active documents that have a vector for `model`."""
        rows = self._db.execute(
            """SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id
               JOIN embeddings e ON e.passage_id = p.id AND e.model = ?
               WHERE d.status = 'active' ORDER BY p.id""", (model,))
        return np.fromiter((row[0] for row in rows), dtype=np.int64)

    def passage_ids_matching(self, filters: SearchFilters) -> np.ndarray:
        """Ids of passages of active documents that pass the search filters."""
        where, parameters = filters.sql()
        rows = self._db.execute(
            f"SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id WHERE {where} ORDER BY p.id",
            parameters)
        return np.fromiter((row[0] for row in rows), dtype=np.int64)

    def passages_missing_vectors(self, model: str) -> list[Passage]:
        rows = self._db.execute(
            """SELECT p.* FROM passages p JOIN documents d ON d.id = p.document_id
               WHERE d.status = 'active' AND NOT EXISTS (
                   SELECT 1 FROM embeddings e WHERE e.passage_id = p.id AND e.model = ?)
               ORDER BY p.id""", (model,))
        return [_passage(row) for row in rows]

    def store_vectors(self, ids: Sequence[int], vectors: np.ndarray, model: str) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO embeddings (passage_id, model, vector) VALUES (?, ?, ?)",
            [(int(i), model, np.asarray(v, dtype=np.float32).tobytes()) for i, v in zip(ids, vectors)])

    def vector_dimension(self, model: str) -> int | None:
        row = self._db.execute("SELECT length(vector) FROM embeddings WHERE model = ? LIMIT 1", (model,)).fetchone()
        return int(row[0]) // 4 if row else None

    def vectors(self, ids: Sequence[int], model: str, dimension: int) -> np.ndarray:
        out = np.zeros((len(ids), dimension), dtype=np.float32)
        position = {int(i): n for n, i in enumerate(ids)}
        for start in range(0, len(ids), 500):
            chunk = [int(i) for i in ids[start:start + 500]]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT passage_id, vector FROM embeddings WHERE model = ? AND passage_id IN ({marks})",
                [model, *chunk])
            for passage_id, blob in rows:
                out[position[passage_id]] = np.frombuffer(blob, dtype=np.float32)
        return out

    # --- ingest history ------------------------------------------------------------------------
    def start_run(self, user: str | None, arguments: str) -> int:
        cursor = self._db.execute("INSERT INTO ingest_runs (started_at, user, arguments) VALUES (?, ?, ?)",
                                 (utc_now(), user, arguments))
        return int(cursor.lastrowid)

    def close_abandoned_runs(self) -> int:
        """Runs still marked running were killed (the caller holds the writer lock, so none is running)."""
        return self._db.execute("UPDATE ingest_runs SET status = 'interrupted', finished_at = ? "
                               "WHERE status = 'running'", (utc_now(),)).rowcount

    def finish_run(self, run_id: int, status: str) -> None:
        self._db.execute("UPDATE ingest_runs SET finished_at = ?, status = ? WHERE id = ?",
                        (utc_now(), status, run_id))

    def record_event(self, run_id: int, path: str, content_hash: str | None, outcome: str,
                     notes: Iterable[Phrase] = (), document_id: int | None = None) -> None:
        """A file's outcome in the run, its notes kept as message ids and values (shown in the reader's language)."""
        self._db.execute(
            """INSERT INTO ingest_events (run_id, path, content_hash, outcome, notes, document_id, at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (run_id, path, content_hash, outcome, phrases_json(notes), document_id, utc_now()))

    def ingest_history(self, document_id: int) -> list[IngestEvent]:
        """Every ingest event of a document, oldest first, with who ran it."""
        rows = self._db.execute("SELECT e.*, r.user FROM ingest_events e JOIN ingest_runs r ON r.id = e.run_id "
                                "WHERE e.document_id = ? ORDER BY e.id", (document_id,))
        return [_event(row) for row in rows]

    def ingest_runs(self) -> list[sqlite3.Row]:
        """Every ingest run, oldest first."""
        return self._db.execute("SELECT * FROM ingest_runs ORDER BY id").fetchall()

    def ingest_events(self) -> list[IngestEvent]:
        """Every ingest event, oldest first."""
        return [_event(row) for row in self._db.execute("SELECT * FROM ingest_events ORDER BY id")]

    def failures(self, limit: int = 100) -> list[IngestEvent]:
        """The latest failed ingests, latest first."""
        rows = self._db.execute("SELECT * FROM ingest_events WHERE outcome = 'failed' ORDER BY id DESC LIMIT ?",
                                (limit,))
        return [_event(row) for row in rows]

    def integrity_problems(self) -> tuple[str, list[tuple[str, int, str]]]:
        """SQLite's own check ('ok' when sound) and the rows pointing at rows that are missing (table, row id,
        the table missing the row)."""
        result = self._db.execute("PRAGMA integrity_check").fetchone()[0]
        return result, [(row[0], row[1], row[2]) for row in self._db.execute("PRAGMA foreign_key_check")]

    def tallies(self) -> Tallies:
        """Documents by status (all) and by series, year and language (active ones); failed ingests; open reviews."""
        grouped = lambda sql: {str(k) if k is not None else message("unknown_common"): int(n) for k, n in self._db.execute(sql)}  # noqa: E731
        count = lambda sql: int(self._db.execute(sql).fetchone()[0])  # noqa: E731
        active = "FROM documents WHERE status = 'active'"
        return Tallies(
            by_status=grouped("SELECT status, COUNT(*) FROM documents GROUP BY status ORDER BY status"),
            by_series=grouped(f"SELECT series, COUNT(*) {active} GROUP BY series ORDER BY COUNT(*) DESC, series"),
            by_year=grouped(f"SELECT substr(published, 1, 4), COUNT(*) {active} GROUP BY 1 ORDER BY 1"),
            by_language=grouped(f"SELECT language, COUNT(*) {active} GROUP BY language ORDER BY COUNT(*) DESC"),
            failed_ingests=count("SELECT COUNT(*) FROM ingest_events WHERE outcome = 'failed'"),
            open_reviews=count("SELECT COUNT(*) FROM review_items WHERE status = 'open'"))

    def has_restricted_collections(self) -> bool:
        return self._db.execute("SELECT 1 FROM collection_access LIMIT 1").fetchone() is not None

    def counts(self, viewer: Viewer = EVERYTHING) -> dict[str, int]:
        """Active documents and passages the viewer may see."""
        visible, parameters = visible_clause(viewer)
        one = lambda sql: int(self._db.execute(sql, parameters).fetchone()[0])  # noqa: E731
        return {
            "documents": one(f"SELECT COUNT(*) FROM documents d WHERE d.status = 'active' AND {visible}"),
            "passages": one("SELECT COUNT(*) FROM passages p JOIN documents d ON d.id = p.document_id "
                            f"WHERE d.status = 'active' AND {visible}"),
        }

    def facets(self, viewer: Viewer = EVERYTHING) -> Facets:
        """The values search filters can take in the active library, as far as the viewer may see it."""
        visible, parameters = visible_clause(viewer)
        active = f"d.status = 'active' AND {visible}"
        column = lambda sql: [row[0] for row in self._db.execute(sql, parameters) if row[0]]  # noqa: E731
        years = column(f"SELECT DISTINCT substr(d.published, 1, 4) FROM documents d "
                       f"WHERE {active} AND d.published GLOB '[0-9][0-9][0-9][0-9]*' ORDER BY 1")
        return Facets(
            languages=column("SELECT DISTINCT COALESCE(p.language, d.language) FROM passages p "
                             f"JOIN documents d ON d.id = p.document_id WHERE {active} ORDER BY 1"),
            series=column(f"SELECT DISTINCT d.series FROM documents d WHERE {active} ORDER BY lower(d.series)"),
            tags=column("SELECT DISTINCT t.tag FROM document_tags t JOIN documents d ON d.id = t.document_id "
                        f"WHERE {active} ORDER BY lower(t.tag)"),
            years=[int(year) for year in years])


@dataclass(frozen=True)
class Tallies:
    by_status: dict[str, int]
    by_series: dict[str, int]
    by_year: dict[str, int]
    by_language: dict[str, int]
    failed_ingests: int
    open_reviews: int


@dataclass(frozen=True)
class Facets:
    languages: list[str]
    series: list[str]
    tags: list[str]
    years: list[int]


def _event(row: sqlite3.Row) -> IngestEvent:
    """An ingest event as recorded: its notes as codes, or (recorded before those were kept) its Swedish text."""
    return IngestEvent(id=row["id"], run_id=row["run_id"], path=row["path"], content_hash=row["content_hash"],
                       outcome=row["outcome"], document_id=row["document_id"], at=row["at"],
                       notes=_readable_notes(row["notes"]), written=row["message"] or "",
                       user=row["user"] if "user" in row.keys() else None, stored_notes=row["notes"])


def _readable_notes(stored: str | None) -> tuple[Phrase, ...]:
    """An event's stored notes as phrases; none where one names a message id since removed from
    text/messages.json (IngestEvent.text then shows them as stored)."""
    if stored is None:
        return ()
    try:
        return phrases_from_json(stored)
    except (TypeError, KeyError, ValueError):
        return ()


def _passage(row: sqlite3.Row) -> Passage:
    return Passage(id=row["id"], document_id=row["document_id"], ordinal=row["ordinal"], text=row["text"],
                   page_number=row["page_number"], page_label=row["page_label"],
                   char_start=row["char_start"], char_end=row["char_end"], language=row["language"],
                   ocr=bool(row["ocr"]))
