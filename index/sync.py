"""Bring the published FAISS index in line with the catalogue (add new passages, drop removed ones)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import faiss
import numpy as np

from corpus.catalogue import Catalogue
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
               rebuild: bool = False, progress: Callable[[int], None] | None = None) -> SyncResult:
    """Publish a new index version when the catalogue's indexable passages differ from the current one."""
    wanted = catalogue.indexable_passage_ids(model)
    current = None if rebuild else load_current(settings.index_dir)
    if current is not None:
        current.manifest.check_model(model)
        index, have = current.index, current.ids()
    else:
        dimension = dimension or catalogue.vector_dimension(model)
        if dimension is None:
            return SyncResult(None, 0, 0, 0)  # nothing embedded yet: nothing to publish
        index, have = new_flat_index(dimension), np.zeros(0, dtype=np.int64)
    to_add = np.setdiff1d(wanted, have, assume_unique=True)
    to_remove = np.setdiff1d(have, wanted, assume_unique=True)
    if current is not None and not len(to_add) and not len(to_remove):
        return SyncResult(current.version, 0, 0, int(index.ntotal))
    if len(to_remove):
        index.remove_ids(faiss.IDSelectorBatch(to_remove))
    for start in range(0, len(to_add), BATCH):
        batch = to_add[start:start + BATCH]
        index.add_with_ids(catalogue.vectors(batch, model, index.d), batch)
        if progress:
            progress(len(batch))
    counts = catalogue.counts()
    manifest = Manifest(model=model, dimension=int(index.d), chunk_chars=settings.chunk_chars,
                        chunk_overlap_sentences=settings.chunk_overlap_sentences,
                        passages=int(index.ntotal), documents=counts["documents"],
                        versions=software_versions())
    version = publish(settings.index_dir, index, manifest)
    return SyncResult(version, len(to_add), len(to_remove), int(index.ntotal))
