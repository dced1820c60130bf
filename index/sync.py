"""Bring the published indexes in line with the catalogue (add new passages, drop removed ones).

FAISS and the keyword index always hold the same passage ids: both are updated from one diff and
published together. A keyword index built with another analyser is rebuilt from the catalogue's text.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import faiss
import numpy as np

from corpus.catalogue import Catalogue
from index.analysis import SwedishAnalyzer, default_analyzer
from index.keywords import KeywordIndex
from index.manifest import Manifest, software_versions
from index.store import load_current, new_flat_index, publish
from settings import Settings

BATCH = 4096


@dataclass(frozen=True)
class SyncResult:
    version: str | None
    added: int
    removed: int
    total: int

    @property
    def changed(self) -> bool:
        return self.added > 0 or self.removed > 0


def sync_index(catalogue: Catalogue, settings: Settings, model: str, dimension: int | None = None,
               rebuild: bool = False, progress: Callable[[int], None] | None = None,
               analyzer: SwedishAnalyzer | None = None) -> SyncResult:
    """Publish a new index version when the catalogue's indexable passages differ from the current one."""
    analyzer = analyzer or default_analyzer()
    wanted = catalogue.indexable_passage_ids(model)
    current = None if rebuild else load_current(settings.index_dir)
    if current is not None:
        current.manifest.check_model(model)
        index, have = current.index, current.ids()
        keywords = current.keywords
        if current.manifest.analyzer != analyzer.version or not np.array_equal(np.sort(keywords.ids), np.sort(have)):
            keywords = KeywordIndex.empty()  # other analyser or out of step: rebuild from the catalogue
    else:
        dimension = dimension or catalogue.vector_dimension(model)
        if dimension is None:
            return SyncResult(None, 0, 0, 0)  # nothing embedded yet: nothing to publish
        index, have, keywords = new_flat_index(dimension), np.zeros(0, dtype=np.int64), KeywordIndex.empty()
    to_add = np.setdiff1d(wanted, have, assume_unique=True)
    to_remove = np.setdiff1d(have, wanted, assume_unique=True)
    keywords_to_add = np.setdiff1d(wanted, keywords.ids)
    if current is not None and not len(to_add) and not len(to_remove) and not len(keywords_to_add):
        return SyncResult(current.version, 0, 0, int(index.ntotal))
    if len(to_remove):
        index.remove_ids(faiss.IDSelectorBatch(to_remove))
    for start in range(0, len(to_add), BATCH):
        batch = to_add[start:start + BATCH]
        index.add_with_ids(catalogue.vectors(batch, model, index.d), batch)
        if progress:
            progress(len(batch))
    keywords = keywords.updated(np.setdiff1d(keywords.ids, wanted), _analysed(catalogue, keywords_to_add, analyzer))
    manifest = Manifest(model=model, dimension=int(index.d), chunk_chars=settings.chunk_chars,
                        chunk_overlap_sentences=settings.chunk_overlap_sentences,
                        passages=int(index.ntotal), documents=catalogue.counts()["documents"],
                        analyzer=analyzer.version, keyword_terms=len(keywords.terms),
                        versions=software_versions())
    version = publish(settings.index_dir, index, manifest, keywords)
    return SyncResult(version, len(to_add), len(to_remove), int(index.ntotal))


def _analysed(catalogue: Catalogue, passage_ids: np.ndarray, analyzer: SwedishAnalyzer):
    """(passage id, terms) for each passage, read from the catalogue in batches."""
    for start in range(0, len(passage_ids), BATCH):
        batch = [int(i) for i in passage_ids[start:start + BATCH]]
        passages = catalogue.passages(batch)
        for passage_id in batch:
            yield passage_id, analyzer.terms(passages[passage_id].text)
