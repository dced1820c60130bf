"""Near-duplicates and new editions: MinHash over word 5-shingles, compared with every other document.

Exact duplicates are caught earlier by the file hash. Two texts whose estimated shingle resemblance
(Jaccard) reaches the threshold are put in the review queue, where a librarian decides: the newer one
replaces the older (an edition), or both stay.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np

from corpus.db import transaction
from corpus.review import open_review
from text.minhash import PERMUTATIONS, resemblance, signature


@dataclass(frozen=True)
class NearDuplicate:
    document_id: int
    resemblance: float


def store_signature(db: sqlite3.Connection, document_id: int, sig: np.ndarray) -> None:
    db.execute("INSERT OR REPLACE INTO document_signatures (document_id, minhash) VALUES (?, ?)",
               (document_id, np.asarray(sig, dtype=np.uint64).tobytes()))


def current_signatures(db: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray]:
    """Ids and signatures (one row each) of every document that is not an earlier edition."""
    rows = db.execute("SELECT s.document_id, s.minhash FROM document_signatures s JOIN documents d "
                      "ON d.id = s.document_id WHERE d.status != 'superseded' ORDER BY s.document_id").fetchall()
    ids = np.asarray([row[0] for row in rows], dtype=np.int64)
    signatures = np.vstack([np.frombuffer(row[1], dtype=np.uint64) for row in rows]) if rows else \
        np.zeros((0, PERMUTATIONS), dtype=np.uint64)
    return ids, signatures


def near_duplicates(db: sqlite3.Connection, sig: np.ndarray, threshold: float, exclude: int | None = None,
                    known: tuple[np.ndarray, np.ndarray] | None = None) -> list[NearDuplicate]:
    """Documents (other than `exclude`) whose text resembles the signature's, most alike first. `known`
    is `current_signatures(db)`, read once by a caller that asks many times."""
    ids, signatures = known if known is not None else current_signatures(db)
    scores = resemblance(signatures, sig) if len(ids) else np.zeros(0)
    chosen = (scores >= threshold) & (ids != exclude)
    found = [NearDuplicate(int(i), float(score)) for i, score in zip(ids[chosen], scores[chosen])]
    return sorted(found, key=lambda n: -n.resemblance)


class Duplicates:
    """Documents' MinHash signatures and their near-duplicates (`catalogue.duplicates`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def store_signature(self, document_id: int, sig: np.ndarray) -> None:
        store_signature(self._db, document_id, sig)

    def current_signatures(self) -> tuple[np.ndarray, np.ndarray]:
        return current_signatures(self._db)

    def near(self, sig: np.ndarray, threshold: float, exclude: int | None = None,
             known: tuple[np.ndarray, np.ndarray] | None = None) -> list[NearDuplicate]:
        """Documents (other than `exclude`) whose text resembles the signature's, most alike first."""
        return near_duplicates(self._db, sig, threshold, exclude, known)

    def unsigned_document_ids(self) -> list[int]:
        """Documents added before signatures existed."""
        return [row[0] for row in self._db.execute(
            "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM document_signatures)").fetchall()]

    def scan(self, threshold: float) -> int:
        """Compare every current document with every other (signing those added before signatures existed);
        each new pair above the threshold goes to the review queue, in one transaction. Returns how many were
        queued."""
        queued = 0
        with transaction(self._db):
            for document_id in self.unsigned_document_ids():
                self.store_signature(document_id, signature(self._text(document_id)))
            known = self.current_signatures()
            for document_id, sig in zip(*known):
                for twin in self.near(sig, threshold, exclude=int(document_id), known=known):
                    if twin.document_id < document_id:
                        queued += open_review(self._db, int(document_id), "near_duplicate", twin.document_id,
                                              twin.resemblance)
        return queued

    def _text(self, document_id: int) -> str:
        """The document's passages, in order, one per line."""
        return "\n".join(row[0] for row in self._db.execute(
            "SELECT text FROM passages WHERE document_id = ? ORDER BY ordinal", (document_id,)))
