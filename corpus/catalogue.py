"""Reads and writes of the catalogue: documents, passages, their vectors and ingest history."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from corpus.db import connect, utc_now
from corpus.filters import SearchFilters
from corpus.records import METADATA_FIELDS, Document, DocumentMetadata, Passage, PassageDraft


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
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = connect(self.path)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- documents -------------------------------------------------------------------------
    def find_active_by_hash(self, content_hash: str) -> Document | None:
        row = self.db.execute(
            "SELECT * FROM documents WHERE content_hash = ? AND status = 'active' ORDER BY id LIMIT 1",
            (content_hash,)).fetchone()
        return self._document(row) if row else None

    def find_active_by_source(self, source_path: str) -> Document | None:
        row = self.db.execute(
            "SELECT * FROM documents WHERE source_path = ? AND status = 'active' ORDER BY id LIMIT 1",
            (source_path,)).fetchone()
        return self._document(row) if row else None

    def document(self, document_id: int) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        return self._document(row) if row else None

    def documents(self, status: str | None = "active") -> list[Document]:
        if status is None:
            rows = self.db.execute("SELECT * FROM documents ORDER BY id")
        else:
            rows = self.db.execute("SELECT * FROM documents WHERE status = ? ORDER BY id", (status,))
        return [self._document(row) for row in rows]

    def insert_document(self, new: NewDocument, user: str | None) -> int:
        now = utc_now()
        meta = new.metadata
        cursor = self.db.execute(
            """INSERT INTO documents (content_hash, source_path, stored_path, file_name, media_type,
                   size_bytes, title, authority, series, published, identifier, source_url, language,
                   page_count, extractor, status, added_at, updated_at, added_by)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)""",
            (new.content_hash, new.source_path, new.stored_path, new.file_name, new.media_type,
             new.size_bytes, *(getattr(meta, name) for name in METADATA_FIELDS), new.language,
             new.page_count, new.extractor, now, now, user))
        document_id = int(cursor.lastrowid)
        self._set_tags(document_id, meta.tags)
        return document_id

    def replace_content(self, document_id: int, new: NewDocument) -> None:
        """A changed file: new hash, new metadata as given and (by the caller) new passages."""
        meta = new.metadata
        self.db.execute("DELETE FROM passages WHERE document_id = ?", (document_id,))
        self.db.execute(
            f"""UPDATE documents SET content_hash = ?, stored_path = ?, file_name = ?, media_type = ?,
                   size_bytes = ?, language = ?, page_count = ?, extractor = ?, updated_at = ?,
                   {", ".join(f"{name} = ?" for name in METADATA_FIELDS)}
               WHERE id = ?""",
            (new.content_hash, new.stored_path, new.file_name, new.media_type, new.size_bytes,
             new.language, new.page_count, new.extractor, utc_now(),
             *(getattr(meta, name) for name in METADATA_FIELDS), document_id))
        self._set_tags(document_id, meta.tags)

    def _set_tags(self, document_id: int, tags: Iterable[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO document_tags (document_id, tag) VALUES (?, ?)",
                            [(document_id, tag) for tag in tags])

    def tags(self, document_id: int) -> tuple[str, ...]:
        rows = self.db.execute("SELECT tag FROM document_tags WHERE document_id = ? ORDER BY tag",
                               (document_id,))
        return tuple(row[0] for row in rows)

    def _document(self, row: sqlite3.Row) -> Document:
        meta = DocumentMetadata(**{name: row[name] for name in METADATA_FIELDS},
                                tags=self.tags(row["id"]))
        return Document(
            id=row["id"], content_hash=row["content_hash"], source_path=row["source_path"],
            stored_path=row["stored_path"], file_name=row["file_name"], media_type=row["media_type"],
            size_bytes=row["size_bytes"], metadata=meta, language=row["language"],
            page_count=row["page_count"], extractor=row["extractor"], status=row["status"],
            added_at=row["added_at"], updated_at=row["updated_at"])

    # --- passages and vectors ----------------------------------------------------------------
    def insert_passages(self, document_id: int, drafts: Sequence[PassageDraft], vectors: np.ndarray,
                        model: str) -> list[int]:
        ids = []
        for draft, vector in zip(drafts, vectors, strict=True):
            cursor = self.db.execute(
                """INSERT INTO passages (document_id, ordinal, text, page_number, page_label,
                       char_start, char_end, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (document_id, draft.ordinal, draft.text, draft.page_number, draft.page_label,
                 draft.char_start, draft.char_end, draft.language))
            passage_id = int(cursor.lastrowid)
            self.db.execute("INSERT INTO embeddings (passage_id, model, vector) VALUES (?, ?, ?)",
                            (passage_id, model, np.asarray(vector, dtype=np.float32).tobytes()))
            ids.append(passage_id)
        return ids

    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        found: dict[int, Passage] = {}
        for start in range(0, len(ids), 500):
            chunk = [int(i) for i in ids[start:start + 500]]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT * FROM passages WHERE id IN ({marks})", chunk):
                found[row["id"]] = _passage(row)
        return found

    def document_passages(self, document_id: int) -> list[Passage]:
        rows = self.db.execute("SELECT * FROM passages WHERE document_id = ? ORDER BY ordinal",
                               (document_id,))
        return [_passage(row) for row in rows]

    def indexable_passage_ids(self, model: str) -> np.ndarray:
        """Ids of passages of active documents that have a vector for `model`."""
        rows = self.db.execute(
            """SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id
               JOIN embeddings e ON e.passage_id = p.id AND e.model = ?
               WHERE d.status = 'active' ORDER BY p.id""", (model,))
        return np.fromiter((row[0] for row in rows), dtype=np.int64)

    def passage_ids_matching(self, filters: SearchFilters) -> np.ndarray:
        """Ids of passages of active documents that pass the search filters."""
        where, parameters = filters.sql()
        rows = self.db.execute(
            f"SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id WHERE {where} ORDER BY p.id",
            parameters)
        return np.fromiter((row[0] for row in rows), dtype=np.int64)

    def passages_missing_vectors(self, model: str) -> list[Passage]:
        rows = self.db.execute(
            """SELECT p.* FROM passages p JOIN documents d ON d.id = p.document_id
               WHERE d.status = 'active' AND NOT EXISTS (
                   SELECT 1 FROM embeddings e WHERE e.passage_id = p.id AND e.model = ?)
               ORDER BY p.id""", (model,))
        return [_passage(row) for row in rows]

    def store_vectors(self, ids: Sequence[int], vectors: np.ndarray, model: str) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO embeddings (passage_id, model, vector) VALUES (?, ?, ?)",
            [(int(i), model, np.asarray(v, dtype=np.float32).tobytes()) for i, v in zip(ids, vectors)])

    def vector_dimension(self, model: str) -> int | None:
        row = self.db.execute("SELECT length(vector) FROM embeddings WHERE model = ? LIMIT 1", (model,)).fetchone()
        return int(row[0]) // 4 if row else None

    def vectors(self, ids: Sequence[int], model: str, dimension: int) -> np.ndarray:
        out = np.zeros((len(ids), dimension), dtype=np.float32)
        position = {int(i): n for n, i in enumerate(ids)}
        for start in range(0, len(ids), 500):
            chunk = [int(i) for i in ids[start:start + 500]]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT passage_id, vector FROM embeddings WHERE model = ? AND passage_id IN ({marks})",
                [model, *chunk])
            for passage_id, blob in rows:
                out[position[passage_id]] = np.frombuffer(blob, dtype=np.float32)
        return out

    # --- ingest history ------------------------------------------------------------------------
    def start_run(self, user: str | None, arguments: str) -> int:
        cursor = self.db.execute("INSERT INTO ingest_runs (started_at, user, arguments) VALUES (?, ?, ?)",
                                 (utc_now(), user, arguments))
        return int(cursor.lastrowid)

    def finish_run(self, run_id: int, status: str) -> None:
        self.db.execute("UPDATE ingest_runs SET finished_at = ?, status = ? WHERE id = ?",
                        (utc_now(), status, run_id))

    def record_event(self, run_id: int, path: str, content_hash: str | None, outcome: str,
                     message: str = "", document_id: int | None = None) -> None:
        self.db.execute(
            """INSERT INTO ingest_events (run_id, path, content_hash, outcome, message, document_id, at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (run_id, path, content_hash, outcome, message, document_id, utc_now()))

    def failures(self, limit: int = 100) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM ingest_events WHERE outcome = 'failed' ORDER BY id DESC LIMIT ?",
            (limit,)).fetchall()

    def counts(self) -> dict[str, int]:
        one = lambda sql: int(self.db.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "documents": one("SELECT COUNT(*) FROM documents WHERE status = 'active'"),
            "passages": one("SELECT COUNT(*) FROM passages p JOIN documents d ON d.id = p.document_id "
                            "WHERE d.status = 'active'"),
        }

    def facets(self) -> Facets:
        """The values search filters can take in the active library."""
        column = lambda sql: [row[0] for row in self.db.execute(sql) if row[0]]  # noqa: E731
        years = column("SELECT DISTINCT substr(published, 1, 4) FROM documents "
                       "WHERE status = 'active' AND published GLOB '[0-9][0-9][0-9][0-9]*' ORDER BY 1")
        return Facets(
            languages=column("SELECT DISTINCT COALESCE(p.language, d.language) FROM passages p "
                             "JOIN documents d ON d.id = p.document_id WHERE d.status = 'active' ORDER BY 1"),
            series=column("SELECT DISTINCT series FROM documents WHERE status = 'active' ORDER BY lower(series)"),
            tags=column("SELECT DISTINCT t.tag FROM document_tags t JOIN documents d ON d.id = t.document_id "
                        "WHERE d.status = 'active' ORDER BY lower(t.tag)"),
            years=[int(year) for year in years])


@dataclass(frozen=True)
class Facets:
    languages: list[str]
    series: list[str]
    tags: list[str]
    years: list[int]


def _passage(row: sqlite3.Row) -> Passage:
    return Passage(id=row["id"], document_id=row["document_id"], ordinal=row["ordinal"], text=row["text"],
                   page_number=row["page_number"], page_label=row["page_label"],
                   char_start=row["char_start"], char_end=row["char_end"], language=row["language"])
