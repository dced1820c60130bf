"""The BM25 keyword index: a passages x terms matrix of term counts, updated by passage id.

Kept as plain arrays (CSC: one column of postings per term) so it can be written into the same
index version folder as the FAISS file and published with it. Scoring is Okapi BM25 (Lucene's idf).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
from scipy import sparse

ARRAYS_FILE = "keywords.npz"
TERMS_FILE = "terms.json"
K1 = 1.2
B = 0.75


@dataclass
class KeywordIndex:
    ids: np.ndarray               # passage id of each row
    lengths: np.ndarray           # number of terms in each passage
    terms: list[str]              # term of each column
    counts: sparse.csc_matrix     # rows x columns term counts
    k1: float = K1
    b: float = B
    _vocabulary_cache: dict[str, int] | None = field(default=None, init=False, repr=False, compare=False)
    _order_cache: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def empty(cls, k1: float = K1, b: float = B) -> KeywordIndex:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.float32), [],
                   sparse.csc_matrix((0, 0), dtype=np.float32), k1, b)

    @property
    def size(self) -> int:
        return len(self.ids)

    def updated(self, remove: Iterable[int], add: Iterable[tuple[int, list[str]]]) -> KeywordIndex:
        """A new index without the `remove` passages and with the analysed `add` passages appended."""
        keep = ~np.isin(self.ids, np.fromiter(remove, dtype=np.int64))
        counts = self.counts.tocsr()[keep]
        vocabulary = {term: column for column, term in enumerate(self.terms)}
        terms = list(self.terms)
        new_ids, new_lengths, rows, columns, values = [], [], [], [], []
        for row, (passage_id, passage_terms) in enumerate(add):
            new_ids.append(passage_id)
            new_lengths.append(len(passage_terms))
            for term, count in Counter(passage_terms).items():
                column = vocabulary.get(term)
                if column is None:
                    column = vocabulary[term] = len(terms)
                    terms.append(term)
                rows.append(row)
                columns.append(column)
                values.append(count)
        counts.resize((counts.shape[0], len(terms)))
        added = sparse.csr_matrix((np.asarray(values, np.float32), (rows, columns)),
                                  shape=(len(new_ids), len(terms)))
        matrix = sparse.vstack([counts, added], format="csc", dtype=np.float32)
        ids = np.concatenate([self.ids[keep], np.asarray(new_ids, np.int64)])
        lengths = np.concatenate([self.lengths[keep], np.asarray(new_lengths, np.float32)])
        return KeywordIndex(ids, lengths, terms, matrix, self.k1, self.b)._without_unused_terms()

    def _without_unused_terms(self) -> KeywordIndex:
        used = np.diff(self.counts.indptr) > 0
        if used.all():
            return self
        terms = [term for term, keep in zip(self.terms, used) if keep]
        return KeywordIndex(self.ids, self.lengths, terms, self.counts[:, used], self.k1, self.b)

    def scores(self, query_terms: list[str] | Mapping[str, float], allowed: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every row (0 where no term matches); rows outside `allowed` (a mask) get 0. The query
        is its terms, or each term with its weight (what a term's count in the query counts otherwise)."""
        scores = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return scores
        vocabulary = self._vocabulary()
        norm = self.k1 * (1 - self.b + self.b * self.lengths / max(float(self.lengths.mean()), 1e-9))
        weighted = query_terms if isinstance(query_terms, Mapping) else Counter(query_terms)
        for term, query_count in weighted.items():
            column = vocabulary.get(term)
            if column is None:
                continue
            start, end = self.counts.indptr[column], self.counts.indptr[column + 1]
            rows, tf = self.counts.indices[start:end], self.counts.data[start:end]
            idf = self._idf(end - start)
            scores[rows] += query_count * idf * tf * (self.k1 + 1) / (tf + norm[rows])
        if allowed is not None:
            scores[~allowed] = 0
        return scores

    def idf(self, terms: list[str]) -> np.ndarray:
        """Inverse document frequency of each term; a term no passage has gets the highest idf."""
        vocabulary, indptr = self._vocabulary(), self.counts.indptr
        frequencies = [0 if (c := vocabulary.get(t)) is None else indptr[c + 1] - indptr[c] for t in terms]
        return np.asarray([self._idf(f) for f in frequencies], dtype=np.float32)

    def _idf(self, frequency: int) -> float:
        return float(np.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5)))

    def rows_of(self, passage_ids: np.ndarray) -> np.ndarray:
        """Row of each passage id (-1 where the id is not in the index)."""
        passage_ids = np.asarray(passage_ids, dtype=np.int64)
        if not self.size:
            return np.full(len(passage_ids), -1, dtype=np.int64)
        if self._order_cache is None:
            self._order_cache = np.argsort(self.ids, kind="stable")
        positions = np.searchsorted(self.ids, passage_ids, sorter=self._order_cache).clip(0, self.size - 1)
        rows = self._order_cache[positions]
        return np.where(self.ids[rows] == passage_ids, rows, -1)

    def _vocabulary(self) -> dict[str, int]:
        if self._vocabulary_cache is None:
            self._vocabulary_cache = {term: column for column, term in enumerate(self.terms)}
        return self._vocabulary_cache

    def write(self, folder: Path) -> None:
        counts = self.counts.tocsc()
        np.savez(Path(folder) / ARRAYS_FILE, ids=self.ids, lengths=self.lengths, indptr=counts.indptr,
                 indices=counts.indices, data=counts.data, shape=np.asarray(counts.shape),
                 parameters=np.asarray([self.k1, self.b]))
        (Path(folder) / TERMS_FILE).write_text(json.dumps(self.terms, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> KeywordIndex:
        with np.load(Path(folder) / ARRAYS_FILE) as arrays:
            counts = sparse.csc_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                       shape=tuple(arrays["shape"]))
            k1, b = (float(x) for x in arrays["parameters"])
            ids, lengths = arrays["ids"], arrays["lengths"]
        terms = json.loads((Path(folder) / TERMS_FILE).read_text(encoding="utf-8"))
        return cls(ids, lengths, terms, counts, k1, b)

    @staticmethod
    def exists(folder: Path) -> bool:
        return (Path(folder) / ARRAYS_FILE).is_file() and (Path(folder) / TERMS_FILE).is_file()


def top_rows(scores: np.ndarray, limit: int) -> np.ndarray:
    """Rows of the `limit` highest scores above zero (in no particular order)."""
    matched = np.flatnonzero(scores > 0)
    if len(matched) > limit:
        matched = matched[np.argpartition(-scores[matched], limit - 1)[:limit]]
    return matched
