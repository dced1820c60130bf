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
from index.keywords import KeywordIndex
from index.kinds import IndexPlan, new_index, plan_for, plan_of, remove, training_size, tune_nprobe
from index.manifest import Manifest, software_versions
from index.store import DamagedIndex, load_current, publish
from settings import Settings
from text.analysis import SwedishAnalyzer, default_analyzer

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


def _readable_current(settings: Settings):
    """The published index, or None where it is damaged (then it is built anew from the catalogue)."""
    try:
        return load_current(settings.index_dir)
    except DamagedIndex:
        return None


def _published_dimension(settings: Settings) -> int | None:
    """The dimension of what is published (so that an index whose documents were all deleted is emptied)."""
    current = _readable_current(settings)
    return int(current.index.d) if current is not None else None


def sync_index(catalogue: Catalogue, settings: Settings, model: str, dimension: int | None = None,
               rebuild: bool = False, progress: Callable[[int], None] | None = None,
               analyzer: SwedishAnalyzer | None = None) -> SyncResult:
    """Publish a new index version when the catalogue's indexable passages differ from the current one.
    The vector index is rebuilt (not updated) when the library's size calls for another kind of index
    (flat or IVF, see index.kinds) or an IVF index has more than doubled since it was trained."""
    analyzer = analyzer or default_analyzer()
    wanted = catalogue.indexable_passage_ids(model)
    plan = plan_for(len(wanted), settings.approximate_from)
    current = None if rebuild else _readable_current(settings)
    params: dict = {}
    if current is not None:
        current.manifest.check_model(model)
        index, have, keywords, params = current.index, current.ids(), current.keywords, dict(current.manifest.index_params)
        if current.manifest.analyzer != analyzer.version or not np.array_equal(np.sort(keywords.ids), np.sort(have)):
            keywords = KeywordIndex.empty()  # other analyser or out of step: rebuild from the catalogue
        if _outgrown(plan_of(index), plan, params, len(wanted)):
            index, have, params = None, np.zeros(0, dtype=np.int64), {}
    else:
        dimension = dimension or catalogue.vector_dimension(model) or _published_dimension(settings)
        if dimension is None:
            return SyncResult(None, 0, 0, 0)  # nothing embedded yet and nothing published: nothing to do
        index, have, keywords = None, np.zeros(0, dtype=np.int64), KeywordIndex.empty()
    dimension = dimension or (current.index.d if current is not None else catalogue.vector_dimension(model))
    to_add = np.setdiff1d(wanted, have, assume_unique=True)
    to_remove = np.setdiff1d(have, wanted, assume_unique=True)
    keywords_to_add = np.setdiff1d(wanted, keywords.ids)
    if index is not None and not len(to_add) and not len(to_remove) and not len(keywords_to_add):
        return SyncResult(current.version, 0, 0, int(index.ntotal))
    if index is None:
        index, params = _new_vector_index(catalogue, model, int(dimension), plan, wanted)
    if len(to_remove):
        remove(index, to_remove)
    for start in range(0, len(to_add), BATCH):
        batch = to_add[start:start + BATCH]
        index.add_with_ids(catalogue.vectors(batch, model, index.d), batch)
        if progress:
            progress(len(batch))
    if plan_of(index).kind == "ivf" and "nprobe" not in params:
        params["nprobe"], params["recall_at_10"] = tune_nprobe(index, wanted,
                                                               lambda ids: catalogue.vectors(ids, model, index.d))
    keywords = keywords.updated(np.setdiff1d(keywords.ids, wanted), _analysed(catalogue, keywords_to_add, analyzer))
    manifest = Manifest(model=model, dimension=int(index.d), chunk_chars=settings.chunk_chars,
                        chunk_overlap_sentences=settings.chunk_overlap_sentences,
                        passages=int(index.ntotal), documents=catalogue.counts()["documents"],
                        index_type=plan_of(index).name, index_params=params,
                        analyzer=analyzer.version, keyword_terms=len(keywords.terms),
                        versions=software_versions())
    version = publish(settings.index_dir, index, manifest, keywords)
    return SyncResult(version, len(to_add), len(to_remove), int(index.ntotal))


def store_missing_vectors(catalogue: Catalogue, embedder, passages: list, progress: Callable[[int], None] | None = None,
                          batch: int = 256) -> None:
    """Embed passages that have no vector for the embedder's model and store the vectors, a batch per
    transaction (so an interrupted rebuild keeps what it finished)."""
    for start in range(0, len(passages), batch):
        chunk = passages[start:start + batch]
        vectors = embedder.embed_passages([p.text for p in chunk])
        with catalogue.transaction():
            catalogue.store_vectors([p.id for p in chunk], vectors, embedder.name)
        if progress:
            progress(len(chunk))


def _outgrown(have: IndexPlan, want: IndexPlan, params: dict, passages: int) -> bool:
    """Another kind is due, or the IVF clustering was trained on less than half of today's library."""
    if have.kind != want.kind:
        return True
    return have.kind == "ivf" and passages > 2 * params.get("trained_on", passages)


def _new_vector_index(catalogue: Catalogue, model: str, dimension: int, plan: IndexPlan,
                      wanted: np.ndarray) -> tuple[faiss.Index, dict]:
    if plan.kind == "flat":
        return new_index(plan, dimension), {}
    sample = np.sort(np.random.default_rng(0).choice(wanted, training_size(plan, len(wanted)), replace=False))
    index = new_index(plan, dimension, catalogue.vectors(sample, model, dimension))
    return index, {"nlist": plan.nlist, "trained_on": int(len(wanted))}


def _analysed(catalogue: Catalogue, passage_ids: np.ndarray, analyzer: SwedishAnalyzer):
    """(passage id, terms) for each passage, read from the catalogue in batches."""
    for start in range(0, len(passage_ids), BATCH):
        batch = [int(i) for i in passage_ids[start:start + BATCH]]
        passages = catalogue.passages(batch)
        for passage_id in batch:
            yield passage_id, analyzer.terms(passages[passage_id].text)
