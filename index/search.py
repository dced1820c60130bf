"""Dense search: embed the question, ask FAISS, return passages with their documents for citation."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from corpus.catalogue import Catalogue
from corpus.records import Document, Passage
from embedding import Embedder, load_embedder
from embedding.loader import model_identity
from index.store import PublishedIndex, current_version, load_current
from settings import Settings

OVERFETCH = 4


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    passage: Passage
    document: Document


class EmptyLibrary(RuntimeError):
    """No index has been published yet: nothing has been added."""


class Searcher:
    """Shared by all sessions of a process: the index is reloaded when a new version is published."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._published: PublishedIndex | None = None
        self._lock = threading.Lock()

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
                published = load_current(self.settings.index_dir)
                if published is not None:
                    published.manifest.check_model(model_identity(self.settings))
                self._published = published
            return self._published

    def search(self, question: str, k: int | None = None) -> list[Hit]:
        k = k or self.settings.k
        published = self.published()
        if published is None or published.index.ntotal == 0:
            raise EmptyLibrary("Biblioteket är tomt. Lägg till dokument med: python -m ingest add SÖKVÄG")
        query = self.embedder.embed_query(question)
        fetch = min(published.index.ntotal, k * OVERFETCH)
        scores, ids = published.index.search(np.asarray(query, dtype=np.float32)[None, :], fetch)
        return self._hits(scores[0], ids[0], k)

    def _hits(self, scores: np.ndarray, ids: np.ndarray, k: int) -> list[Hit]:
        catalogue = Catalogue(self.settings.catalogue_path)
        try:
            valid = [int(i) for i in ids if i >= 0]
            passages = catalogue.passages(valid)
            documents: dict[int, Document | None] = {}
            hits: list[Hit] = []
            for score, passage_id in zip(scores, ids):
                passage = passages.get(int(passage_id))
                if passage is None:
                    continue
                if passage.document_id not in documents:
                    documents[passage.document_id] = catalogue.document(passage.document_id)
                document = documents[passage.document_id]
                if document is None or document.status != "active":
                    continue
                hits.append(Hit(len(hits) + 1, float(score), passage, document))
                if len(hits) == k:
                    break
            return hits
        finally:
            catalogue.close()
