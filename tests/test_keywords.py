"""Swedish analysis (compounds, stems), the BM25 keyword index, fusion and search filters."""

import numpy as np
import pytest

from corpus.catalogue import Catalogue
from corpus.filters import SearchFilters
from index.fusion import reciprocal_rank_fusion, weighted_fusion
from index.keywords import KeywordIndex
from index.search import Searcher
from index.store import load_current
from ingest.pipeline import Ingester
from text.analysis import SwedishAnalyzer
from text.compounds import Decompounder


@pytest.fixture(scope="module")
def analyzer():
    return SwedishAnalyzer()


@pytest.mark.parametrize("word, parts", [
    ("itsystem", ("it", "system")),
    ("informationssystem", ("information", "system")),       # linking -s- removed
    ("verksamhetsutveckling", ("verksamhet", "utveckling")),
    ("sjukförsäkring", ("sjuk", "försäkring")),
    ("ärendehanteringssystem", ("ärende", "hantering", "system")),
    ("betala", ("betala",)),            # common words stay whole, even where pieces are words ("bet", "ala")
    ("regeringen", ("regeringen",)),
    ("myndigheterna", ("myndigheterna",)),
])
def test_swedish_compounds_split_into_known_words(word, parts):
    assert Decompounder().split(word) == parts


def test_it_system_spellings_share_their_parts(analyzer):
    hyphen, closed, longer = (set(analyzer.terms(w)) for w in ("it-system", "itsystem", "informationssystem"))
    assert {"it", "system"} <= hyphen and {"it", "system"} <= closed
    assert "system" in longer and "information" in longer
    assert "itsystem" in hyphen and "itsystem" in closed  # the whole compound is a term too


def test_swedish_stemming_joins_inflected_forms(analyzer):
    assert analyzer.terms("kostnaderna") == analyzer.terms("kostnader") == analyzer.terms("kostnaden")
    assert {tuple(analyzer.terms(w)) for w in ("myndighet", "myndigheten", "myndigheterna")} == {("mynd",)}
    assert analyzer.terms("systemen") == analyzer.terms("systemet") == analyzer.terms("system")
    assert analyzer.terms("Förvaltningen") == analyzer.terms("förvaltning")
    assert set(analyzer.terms("It-systemen")) == set(analyzer.terms("it-system"))


def test_stopwords_are_dropped_but_it_is_kept(analyzer):
    assert analyzer.terms("och att det som är för") == []
    assert analyzer.terms("IT") == ["it"]


def test_bm25_ranks_by_rare_matching_terms_and_updates_by_id(analyzer):
    texts = {1: "Myndigheten byter ut sina gamla it-system.", 2: "Regionen bygger en ny väg.",
             3: "Informationssystemet ersätts av en molntjänst.", 4: "Vägen och bron byggs om."}
    index = KeywordIndex.empty().updated([], [(i, analyzer.terms(t)) for i, t in texts.items()])
    query = analyzer.terms("Vilka system ska ersättas?")
    scores = index.scores(query)
    assert scores[list(index.ids).index(3)] > scores[list(index.ids).index(1)] > 0
    assert scores[list(index.ids).index(2)] == 0
    smaller = index.updated([3], [(5, analyzer.terms("Systemen ersätts."))])
    assert sorted(smaller.ids) == [1, 2, 4, 5]
    assert "informationssystem" not in smaller.terms  # terms used by no passage are dropped
    assert list(smaller.rows_of(np.array([5, 3, 1]))) == [3, -1, 0]


def test_keyword_index_round_trips_through_files(tmp_path, analyzer):
    index = KeywordIndex.empty().updated([], [(7, analyzer.terms("Gamla it-system kostar.")), (9, [])])
    index.write(tmp_path)
    loaded = KeywordIndex.read(tmp_path)
    assert list(loaded.ids) == [7, 9] and loaded.terms == index.terms
    assert np.allclose(loaded.scores(["system"]), index.scores(["system"]))


def test_fusions_combine_both_sides():
    similarity = np.array([0.90, 0.85, 0.80], dtype=np.float32)
    keyword = np.array([0.0, 1.0, 8.0], dtype=np.float32)
    assert np.argmax(weighted_fusion(similarity, keyword, 0.0)) == 0
    assert np.argmax(weighted_fusion(similarity, keyword, 1.0)) == 2
    assert weighted_fusion(similarity, keyword, 0.5).tolist() == pytest.approx([0.5, 0.25 + 0.0625, 0.5])
    rrf = reciprocal_rank_fusion(similarity, keyword, 0.5)
    assert rrf[1] == pytest.approx(0.5 / 62 + 0.5 / 62)


KEYWORD_DOCS = {
    "sv_rapport.txt": ("Rapporten visar att föråldrade it-system hos myndigheterna är dyra att förvalta.",
                       {"series": "rapport", "published": "2019-05-01", "tags": ["it"]}),
    "sv_sou.txt": ("Utredningen föreslår att informationssystem i staten moderniseras.",
                   {"series": "SOU", "published": "2021-03-10", "tags": ["it", "utredning"]}),
    "en_report.txt": ("The report says that legacy IT systems in government agencies are costly.",
                      {"series": "rapport", "published": "2022-01-01", "tags": []}),
}


@pytest.fixture
def filtered_library(tmp_path, settings):
    import json

    folder = tmp_path / "docs"
    folder.mkdir()
    sidecar = []
    for name, (text, metadata) in KEYWORD_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
        sidecar.append(json.dumps({"file": name, **metadata}))
    (folder / "metadata.jsonl").write_text("\n".join(sidecar) + "\n", encoding="utf-8")
    report = Ingester(settings).add([folder])
    assert not report.failed, report.outcomes
    return settings


def names(hits):
    return sorted(hit.document.file_name for hit in hits)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_filters_decide_what_a_search_may_return(filtered_library, mode):
    searcher = Searcher(filtered_library)
    question = "it-system informationssystem legacy systems"
    assert names(searcher.search(question, 10, SearchFilters(languages=("en",)), mode)) == ["en_report.txt"]
    assert names(searcher.search(question, 10, SearchFilters(series=("sou",)), mode)) == ["sv_sou.txt"]
    assert names(searcher.search(question, 10, SearchFilters(tags=("IT",)), mode)) == ["sv_rapport.txt",
                                                                                         "sv_sou.txt"]
    assert names(searcher.search(question, 10, SearchFilters(published_from="2020", published_to="2021"),
                                 mode)) == ["sv_sou.txt"]
    assert names(searcher.search(question, 10, SearchFilters(published_to="2019-05"), mode)) == ["sv_rapport.txt"]
    assert searcher.search(question, 10, SearchFilters(series=("Ds",)), mode) == []


def test_filter_applies_before_ranking_not_after_top_k(filtered_library):
    """With k=1 the best unfiltered hit is Swedish; the English filter must still find its passage."""
    searcher = Searcher(filtered_library)
    question = "föråldrade it-system hos myndigheterna"
    assert searcher.search(question, 1, mode="bm25")[0].document.file_name == "sv_rapport.txt"
    only_english = searcher.search(question, 1, SearchFilters(languages=("en",)), mode="hybrid")
    assert names(only_english) == ["en_report.txt"]


def test_keyword_index_follows_the_catalogue(filtered_library, tmp_path):
    settings = filtered_library
    published = load_current(settings.index_dir)
    assert sorted(published.keywords.ids) == sorted(published.ids())
    assert published.manifest.analyzer == SwedishAnalyzer.version and published.manifest.keyword_terms > 0
    catalogue = Catalogue(settings.catalogue_path)
    try:
        with catalogue.transaction():
            catalogue.set_status(next(d.id for d in catalogue.documents() if d.file_name == "sv_sou.txt"), "withdrawn", None)
        Ingester(settings).publish(catalogue)
    finally:
        catalogue.close()
    published = load_current(settings.index_dir)
    assert sorted(published.keywords.ids) == sorted(published.ids())
    assert "sv_sou.txt" not in names(Searcher(settings).search("informationssystem moderniseras", 5, mode="bm25"))


def test_bm25_mode_finds_nothing_without_a_shared_word(filtered_library):
    assert Searcher(filtered_library).search("vaccination", 5, mode="bm25") == []
