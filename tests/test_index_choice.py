"""The vector index follows the library's size: exact while small, IVF-SQ8 above the threshold with
nprobe tuned so that recall@10 against exact search stays above 0.95, recorded in the manifest.
Real SQLite and FAISS; the vectors are synthetic (clustered, like text embeddings), which is fine for the
index-only part."""
from __future__ import annotations

from dataclasses import replace

import faiss
import numpy as np

from corpus.catalogue import Catalogue, NewDocument
from corpus.records import DocumentMetadata, PassageDraft
from index.kinds import exact_top, plan_for, search_parameters
from index.store import load_current
from index.sync import sync_index

MODEL = "synthetic"
DIMENSION = 48


CENTRES = np.random.default_rng(0).normal(size=(40, DIMENSION))


def clustered(count: int, seed: int) -> np.ndarray:
    """Unit vectors around 40 shared topics, like the embeddings of one library's passages and questions."""
    rng = np.random.default_rng(seed)
    vectors = CENTRES[rng.integers(40, size=count)] + 0.6 * rng.normal(size=(count, DIMENSION))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def add_passages(catalogue: Catalogue, vectors: np.ndarray, name: str) -> None:
    new = NewDocument(content_hash=name, source_path=name, stored_path=name, file_name=name,
                      media_type="text/plain", size_bytes=1, metadata=DocumentMetadata(title=name),
                      language="sv", page_count=None, extractor="test")
    drafts = [PassageDraft(i, f"stycke {name} {i}", None, None, 0, 1) for i in range(len(vectors))]
    with catalogue.transaction():
        document_id = catalogue.insert_document(new, "test")
        catalogue.insert_passages(document_id, drafts, vectors, MODEL)


def recall_at_10(index, nprobe: int, queries: np.ndarray, catalogue: Catalogue, ids: np.ndarray) -> float:
    exact = exact_top(queries, ids, lambda chunk: catalogue.vectors(chunk, MODEL, DIMENSION), 10)
    _, found = index.search(queries, 10, params=search_parameters(index, nprobe, None))
    return float(np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact)]))


def test_plan_by_size():
    assert plan_for(199_999, 200_000).kind == "flat"
    assert plan_for(1_000_000, 200_000).name == "IVF4096,SQ8"


def test_a_small_library_is_searched_exactly(settings):
    settings = replace(settings, approximate_from=2000)
    catalogue = Catalogue(settings.catalogue_path)
    add_passages(catalogue, clustered(500, 1), "liten")
    sync_index(catalogue, settings, MODEL)
    manifest = load_current(settings.index_dir).manifest
    assert manifest.index_type == "IDMap2,Flat" and manifest.index_params == {}


def test_above_the_threshold_the_index_is_approximate_and_meets_the_recall_floor(settings):
    settings = replace(settings, approximate_from=2000)
    catalogue = Catalogue(settings.catalogue_path)
    add_passages(catalogue, clustered(1500, 2), "först")
    sync_index(catalogue, settings, MODEL)
    assert load_current(settings.index_dir).manifest.index_type == "IDMap2,Flat"

    add_passages(catalogue, clustered(6000, 3), "sedan")  # crosses the threshold: rebuilt as IVF
    sync_index(catalogue, settings, MODEL)
    published = load_current(settings.index_dir)
    manifest = published.manifest
    assert manifest.index_type.startswith("IVF") and manifest.index_type.endswith(",SQ8")
    assert manifest.index_params["recall_at_10"] >= 0.95 and manifest.index_params["nprobe"] >= 1
    ids = catalogue.indexable_passage_ids(MODEL)
    assert np.array_equal(np.sort(published.ids()), ids) and manifest.passages == 7500

    fresh_queries = clustered(200, 99)  # not stored vectors: questions the index has not seen
    assert recall_at_10(published.index, published.nprobe, fresh_queries, catalogue, ids) >= 0.95

    allowed = ids[ids % 3 == 0]  # filters still apply before ranking
    _, found = published.index.search(fresh_queries[:5], 10, params=search_parameters(
        published.index, published.nprobe, faiss.IDSelectorBatch(allowed)))
    assert set(found[found >= 0].tolist()) <= set(allowed.tolist())


def test_an_ivf_index_follows_removals(settings):
    settings = replace(settings, approximate_from=1000)
    catalogue = Catalogue(settings.catalogue_path)
    add_passages(catalogue, clustered(2000, 4), "a")
    add_passages(catalogue, clustered(500, 5), "b")
    sync_index(catalogue, settings, MODEL)
    catalogue.set_status(next(d.id for d in catalogue.documents() if d.file_name == "b"), "withdrawn", None)
    result = sync_index(catalogue, settings, MODEL)
    published = load_current(settings.index_dir)
    assert result.removed == 500 and published.manifest.index_type.startswith("IVF")
    assert np.array_equal(np.sort(published.ids()), catalogue.indexable_passage_ids(MODEL))


def test_searching_reads_the_index_memory_mapped_with_the_same_results(settings):
    settings = replace(settings, approximate_from=1000)
    catalogue = Catalogue(settings.catalogue_path)
    add_passages(catalogue, clustered(3000, 6), "c")
    sync_index(catalogue, settings, MODEL)
    queries = clustered(20, 7)
    read, mapped = load_current(settings.index_dir), load_current(settings.index_dir, mapped=True)
    for published in (read, mapped):
        assert published.manifest.index_type.startswith("IVF")
    results = [p.index.search(queries, 10, params=search_parameters(p.index, p.nprobe, None))[1]
               for p in (read, mapped)]
    assert np.array_equal(*results)
    assert np.array_equal(np.sort(mapped.ids()), catalogue.indexable_passage_ids(MODEL))
