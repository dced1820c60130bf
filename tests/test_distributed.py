"""Distributed ingest on a real local Dask cluster of 2 worker processes gives the same library (catalogue,
vectors, published index, search results) as the single-process ingest of the same files."""
from dataclasses import replace

import numpy as np
import pytest

from corpus.catalogue import Catalogue
from embedding.loader import model_identity
from embedding.prepare import prepare_e5_small
from helpers import SWEDISH_PAGES, make_pdf
from index.search import Searcher
from index.store import load_current
from ingest.distributed import DaskPreparers
from ingest.pipeline import Ingester
from settings import DEFAULT_MODEL

QUESTIONS = ["Varför är gamla it-system dyra att underhålla?", "Vem erbjuds vaccination?",
             "Vad beskriver skogliga grunddata?", "Hur följer regeringen upp arbetet?"]


def write_archive(folder):
    folder.mkdir()
    make_pdf(folder / "rapport.pdf", SWEDISH_PAGES, labels=[(0, "/r", 1), (1, "/D", 1)], title="Gamla system")
    make_pdf(folder / "uppfoljning.pdf", ["Regeringen följer upp myndigheternas arbete med it-system varje år.",
                                          "Uppföljningen redovisas i budgetpropositionen."])
    (folder / "vaccin.txt").write_text("Vaccination mot covid-19 erbjuds alla vuxna i regionen.", encoding="utf-8")
    (folder / "skog.md").write_text("# Skogen\n\nSkogliga grunddata beskriver trädslag och virkesförråd.",
                                    encoding="utf-8")
    (folder / "kopia.txt").write_text("Vaccination mot covid-19 erbjuds alla vuxna i regionen.", encoding="utf-8")
    (folder / "trasig.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    (folder / "tom.txt").write_text("", encoding="utf-8")
    for number in range(6):  # enough files for both workers to get several
        (folder / f"notis-{number}.md").write_text(
            f"# Notis {number}\n\nKommun {number} inför e-tjänst nummer {number} för bygglov och "
            f"hemtjänst under år {2020 + number}.", encoding="utf-8")
    for year in (2021, 2022):  # the same file name in two folders, different content
        (folder / str(year)).mkdir()
        (folder / str(year) / "uppdrag.md").write_text(
            f"# Uppdrag {year}\n\nUppdraget förlängs till och med den 31 mars {year + 1}.", encoding="utf-8")
    return folder


def library_snapshot(settings):
    """Everything an ingest decides, without timestamps: documents, passages, vectors, the index's ids."""
    with Catalogue(settings.catalogue_path) as catalogue:
        documents = [replace(d, added_at="", updated_at="") for d in catalogue.documents(status=None)]
        passages = [p for d in documents for p in catalogue.document_passages(d.id)]
        published = load_current(settings.index_dir)
        vectors = catalogue.vectors([p.id for p in passages], model_identity(settings), published.index.d)
        events = [(e.path, e.content_hash, e.outcome, e.notes, e.document_id) for e in catalogue.ingest_events()]
    return documents, passages, vectors, events, sorted(published.ids())


def search_results(settings):
    searcher = Searcher(settings)
    return [[(hit.passage.id, hit.score) for hit in searcher.search(question, k=4)] for question in QUESTIONS]


def assert_same_library(single, distributed, tolerance):
    documents, passages, vectors, events, index_ids = library_snapshot(single)
    other_documents, other_passages, other_vectors, other_events, other_index_ids = library_snapshot(distributed)
    assert documents == other_documents
    assert passages == other_passages
    assert events == other_events
    assert index_ids == other_index_ids
    np.testing.assert_allclose(vectors, other_vectors, atol=tolerance)
    for ours, theirs in zip(search_results(single), search_results(distributed), strict=True):
        assert [i for i, _ in ours] == [i for i, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=tolerance)


def ingest_both_ways(settings, tmp_path):
    archive = write_archive(tmp_path / "arkiv")
    single = replace(settings, data_dir=tmp_path / "en")
    distributed = replace(settings, data_dir=tmp_path / "kluster")
    single_report = Ingester(single).add([archive])
    preparers = CountingPreparers(workers=2)
    distributed_report = Ingester(distributed, preparers=preparers).add([archive])
    return single, distributed, single_report, distributed_report, preparers


class CountingPreparers(DaskPreparers):
    """The real Dask preparers, keeping the last preparer to see which workers did the work."""

    def __call__(self, settings):
        self.last = super().__call__(settings)
        return self.last


def test_two_worker_cluster_ingest_equals_single_process_ingest(settings, tmp_path):
    single, distributed, single_report, distributed_report, preparers = ingest_both_ways(settings, tmp_path)
    assert [(o.outcome, o.document_id, o.passages) for o in single_report.outcomes] == \
           [(o.outcome, o.document_id, o.passages) for o in distributed_report.outcomes]
    assert single_report.count("added") == 12 and single_report.count("duplicate") == 1
    assert single_report.count("failed") == 2
    assert len(preparers.last.tasks_per_worker) == 2, "both workers prepared files"
    assert_same_library(single, distributed, tolerance=0)


def test_two_worker_cluster_with_the_real_model(tmp_path):
    from settings import Settings

    settings = Settings.from_env()
    prepare_e5_small(settings.models_dir / DEFAULT_MODEL)
    settings = replace(settings, model=DEFAULT_MODEL)
    single, distributed, single_report, distributed_report, preparers = ingest_both_ways(settings, tmp_path)
    assert distributed_report.count("added") == single_report.count("added") == 12
    assert len(preparers.last.tasks_per_worker) == 2
    assert_same_library(single, distributed, tolerance=2e-2)  # bfloat16 sums differ with thread count


@pytest.mark.parametrize("scheduler", ["tcp://127.0.0.1:1"])
def test_an_unreachable_cluster_is_a_clear_error_and_changes_nothing(settings, tmp_path, scheduler):
    from ingest.distributed import ClusterUnavailable

    archive = write_archive(tmp_path / "arkiv")
    with pytest.raises(ClusterUnavailable, match="Dask"):
        Ingester(settings, preparers=DaskPreparers(scheduler=scheduler, timeout=2)).add([archive])
    assert not settings.catalogue_path.exists() or Catalogue(settings.catalogue_path).counts()["documents"] == 0


def test_files_of_the_same_name_get_their_own_results(settings, tmp_path):
    from corpus.records import DocumentMetadata
    from ingest.distributed import DaskPreparer

    paths = []
    for year in (2021, 2022):
        (tmp_path / str(year)).mkdir()
        paths.append(tmp_path / str(year) / "uppdrag.md")
        paths[-1].write_text(f"# Uppdrag {year}\n\nUppdraget gäller år {year}.", encoding="utf-8")
    preparer = DaskPreparer(settings, workers=1)
    try:
        texts = [preparer.prepared(path, DocumentMetadata()).passages[0].text for path in paths]
    finally:
        preparer.close()
    assert "2021" in texts[0] and "2022" in texts[1]
