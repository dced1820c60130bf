"""Hybrid search: dense FAISS results and BM25 keyword results, fused, with filters applied first.

Filters (language, series, tags, dates) become the set of passage ids a search may return: FAISS
searches only those ids (an ID selector) and BM25 scores only those rows, so filtering never costs
recall the way dropping hits after top-k would. In hybrid search the keyword side counts less for a
passage in another language than the question's (index/language.py), and an English question's vector is
moved toward Swedish for the Swedish passages (index/question_shift.py).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Sequence

import faiss
import numpy as np

from corpus.catalogue import Catalogue
from corpus.filters import SearchFilters
from corpus.records import Document, Passage
from embedding import Embedder, load_embedder
from embedding.loader import model_identity
from index.fusion import FUSIONS, Weight
from index.keywords import top_rows
from index.kinds import search_parameters
from index.language import keyword_query, keyword_weights, question_language
from index.question_shift import QuestionShift, shipped_shift
from index.store import PublishedIndex, current_version, load_current
from settings import SearchMode, Settings
from text.problems import Problem

MODES = tuple(mode.value for mode in SearchMode)
CANDIDATES = 50  # taken from each side before fusion (at least; more when more hits are asked for)
OVERFETCH = 4


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float                # the ranking score of the mode used (fused, cosine or BM25)
    passage: Passage
    document: Document
    similarity: float | None = None  # cosine similarity to the question (not in bm25 mode)
    keyword_score: float | None = None


@dataclass(frozen=True)
class Candidates:
    """Candidate passages with their exact cosine similarity and BM25 score (None for a side not used);
    for an English question, also the similarity to its vector moved toward Swedish (`shifted`, toward
    `shifted_language`: index/question_shift.py), None where no shift applies."""

    ids: np.ndarray
    similarity: np.ndarray | None
    keyword: np.ndarray | None
    shifted: np.ndarray | None = None
    shifted_language: str | None = None

    def across_languages(self, passage_languages: Sequence[str | None]) -> Candidates:
        """The candidates with the moved question's similarity for each passage in the language it was moved
        toward; every other passage keeps its own."""
        if self.shifted is None or self.similarity is None:
            return self
        toward = np.asarray([language == self.shifted_language for language in passage_languages], dtype=bool)
        return replace(self, similarity=np.where(toward, self.shifted, self.similarity).astype(np.float32))

    def ranking(self, mode: str, fusion: str, keyword_weight: Weight) -> np.ndarray:
        if mode == SearchMode.DENSE or self.keyword is None:
            return self.similarity
        if mode == SearchMode.BM25 or self.similarity is None:
            return self.keyword
        return FUSIONS[fusion](self.similarity, self.keyword, keyword_weight)

    def ranked(self, mode: str, fusion: str, keyword_weight: Weight) -> tuple[np.ndarray, np.ndarray]:
        """Candidate positions best first, with the ranking scores. In bm25 mode a passage that shares
        no word with the question is no hit."""
        ranking = self.ranking(mode, fusion, keyword_weight)
        order = np.argsort(-ranking, kind="stable")
        if mode == SearchMode.BM25 or self.similarity is None:
            order = order[self.keyword[order] > 0]
        return order, ranking

    def similarity_of(self, position: int) -> float | None:
        return None if self.similarity is None else float(self.similarity[position])

    def keyword_of(self, position: int) -> float | None:
        return None if self.keyword is None else float(self.keyword[position])


class EmptyLibrary(Problem, RuntimeError):
    """No index has been published yet: nothing has been added."""


class UnknownMode(Problem, ValueError):
    """A search mode that is not one of MODES."""


class Searcher:
    """Shared by all sessions of a process: the index is reloaded when a new version is published."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 shift: QuestionShift | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._shift = shift  # None: the shipped one (index/question_shift.py)
        self._published: PublishedIndex | None = None
        self._lock = threading.Lock()

    @cached_property
    def model(self) -> str:
        """The identity of the embedding model the settings name."""
        return model_identity(self.settings)

    @property
    def shift(self) -> QuestionShift | None:
        return self._shift or shipped_shift()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings)
        return self._embedder

    def published(self) -> PublishedIndex | None:
        """The current index version, loaded once and reloaded when CURRENT moves."""
        with self._lock:
            version = current_version(self.settings.index_dir)
            if version is None:
                self._published = None
            elif self._published is None or self._published.version != version:
                published = load_current(self.settings.index_dir, mapped=True)
                if published is not None:
                    published.manifest.check_model(self.model)
                self._published = published
            return self._published

    def search(self, question: str, k: int | None = None, filters: SearchFilters | None = None,
               mode: str | None = None, language: str | None = None) -> list[Hit]:
        """The `k` best passages for the question, among those the filters allow. `language`: the question's
        (index/language.py), where the caller has told it already; else it is told here, once."""
        k = k or self.settings.k
        mode = mode or self.settings.search_mode
        language = language or question_language(question)
        candidates = self.candidates(question, max(CANDIDATES, k * OVERFETCH), filters, mode, language)
        catalogue = Catalogue(self.settings.catalogue_path)
        try:
            passages: dict[int, Passage] = {}
            weight: Weight = self.settings.keyword_weight
            if mode == SearchMode.HYBRID and (self.weighs_languages or candidates.shifted is not None):
                passages = catalogue.passages([int(i) for i in candidates.ids])  # the languages: read here, not after
                found = [passages.get(int(i)) for i in candidates.ids]
                candidates, weight = self.across_languages(question, candidates,
                                                           [p.language if p else None for p in found], language)
            order, ranking = candidates.ranked(mode, self.settings.fusion, weight)
            return self._hits(catalogue, candidates, order[:k * OVERFETCH], ranking, k, passages)
        finally:
            catalogue.close()

    @property
    def weighs_languages(self) -> bool:
        """Whether the keyword weight depends on the passage's language (else no language is looked up)."""
        return self.settings.cross_language_keyword_weight != self.settings.keyword_weight

    def keyword_weight(self, question: str, passage_languages: Sequence[str | None],
                       language: str | None = None) -> Weight:
        """The keyword weight for each candidate, given its language: one number where all are the same
        (`language`: the question's, told here when not given)."""
        weights = keyword_weights(language or question_language(question), passage_languages,
                                  self.settings.keyword_weight, self.settings.cross_language_keyword_weight)
        if not len(weights) or (weights == weights[0]).all():
            return float(weights[0]) if len(weights) else self.settings.keyword_weight
        return weights

    def across_languages(self, question: str, candidates: Candidates, passage_languages: Sequence[str | None],
                         language: str | None = None) -> tuple[Candidates, Weight]:
        """The candidates and keyword weight as hybrid search ranks them, given each passage's language: the
        moved question's similarity where a passage is in the shift's target language, the keyword weight
        across languages where it is in another language than the question's (`language`). The one place
        both are applied, so that evaluation/crosslingual.py ranks as search does."""
        return (candidates.across_languages(passage_languages),
                self.keyword_weight(question, passage_languages, language))

    def moved_query(self, question: str, query: np.ndarray, language: str | None = None) -> np.ndarray | None:
        """The question's vector moved toward the shift's target language (index/question_shift.py), or None:
        the setting is 0, no shift is shipped, it belongs to another embedding model or the question
        (`language`: its language, told here when not given) is not in its source language."""
        shift = self.shift
        if self.settings.cross_language_shift <= 0 or shift is None:
            return None
        if not shift.applies(self.model, language or question_language(question)):
            return None
        return shift.moved(query, self.settings.cross_language_shift)

    def candidates(self, question: str, depth: int = CANDIDATES, filters: SearchFilters | None = None,
                   mode: str = SearchMode.HYBRID, language: str | None = None) -> Candidates:
        """Up to `depth` passages from each side the mode uses, each scored exactly by both (`language`: the
        question's, told here when not given)."""
        if mode not in MODES:
            raise UnknownMode("search_unknown_mode", mode=mode, modes=", ".join(MODES))
        published = self.published()
        if published is None or published.index.ntotal == 0:
            raise EmptyLibrary("empty_library")
        allowed = self._allowed_ids(filters)
        if allowed is not None and not len(allowed):
            return Candidates(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.float32))
        depth = min(published.index.ntotal, depth)
        language = language or question_language(question)
        found: list[np.ndarray] = []
        query = None
        if mode != SearchMode.BM25:
            query = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
            selector = faiss.IDSelectorBatch(allowed) if allowed is not None else None
            params = search_parameters(published.index, published.nprobe, selector)
            _, ids = published.index.search(query[None, :], depth, params=params)
            found.append(ids[0][ids[0] >= 0])
        keyword_scores = None
        if mode != SearchMode.DENSE:
            keywords = published.keywords
            mask = np.isin(keywords.ids, allowed) if allowed is not None else None
            keyword_scores = keywords.scores(keyword_query(question, self.settings.english_lexicon_weight,
                                                           language=language), mask)
            found.append(keywords.ids[top_rows(keyword_scores, depth)])
        ids = np.unique(np.concatenate(found))
        vectors = None if query is None else _vectors(published, ids)
        similarity = None if vectors is None else vectors @ query
        moved = self.moved_query(question, query, language) if mode == SearchMode.HYBRID and query is not None else None
        keyword = None
        if keyword_scores is not None:
            rows = published.keywords.rows_of(ids)
            keyword = np.where(rows >= 0, keyword_scores[rows.clip(0)], 0.0).astype(np.float32)
        if moved is None:
            return Candidates(ids, similarity, keyword)
        return Candidates(ids, similarity, keyword, vectors @ moved, self.shift.target)

    def _allowed_ids(self, filters: SearchFilters | None) -> np.ndarray | None:
        """The passage ids the filters allow, or None when they allow everything (one catalogue visit)."""
        if filters is None or filters.is_empty:
            return None
        with Catalogue(self.settings.catalogue_path) as catalogue:
            if filters.viewer is not None and not catalogue.has_restricted_collections():
                filters = replace(filters, viewer=None)  # nothing is restricted: no need to list ids
                if filters.is_empty:
                    return None
            return catalogue.passage_ids_matching(filters)

    def _hits(self, catalogue: Catalogue, candidates: Candidates, order: np.ndarray, ranking: np.ndarray, k: int,
              passages: dict[int, Passage]) -> list[Hit]:
        """The first `k` of the ordered candidates whose passage and active document still exist
        (`passages`: those already read from the catalogue, if any)."""
        passages = passages or catalogue.passages([int(i) for i in candidates.ids[order]])
        documents: dict[int, Document | None] = {}
        hits: list[Hit] = []
        for position in order:
            passage = passages.get(int(candidates.ids[position]))
            if passage is None:
                continue  # removed from the catalogue since the index was published
            if passage.document_id not in documents:
                documents[passage.document_id] = catalogue.document(passage.document_id)
            document = documents[passage.document_id]
            if document is None or document.status != "active":
                continue
            hits.append(Hit(len(hits) + 1, float(ranking[position]), passage, document,
                            candidates.similarity_of(position), candidates.keyword_of(position)))
            if len(hits) == k:
                break
        return hits


def _vectors(published: PublishedIndex, ids: np.ndarray) -> np.ndarray:
    if not len(ids):
        return np.zeros((0, published.index.d), np.float32)
    return np.vstack([published.index.reconstruct(int(i)) for i in ids])
