"""An English question over a library in Swedish and English: the keyword side gives way across languages, and
the question's vector moves toward Swedish for the Swedish passages."""
from dataclasses import replace

import numpy as np
import pytest

from answer.assistant import Assistant
from embedding.loader import model_identity
from embedding.prepare import prepare_e5_small
from evaluation.answers import library_key
from evaluation.crosslingual import fetched_question, passage_facts, ranked_documents, variants
from evaluation.lexicon import lexicon, model_one
from evaluation.retrieval import PASSAGES_PER_QUERY
from index.language import keyword_query, keyword_weights, question_language
from index.question_shift import QuestionShift, shipped_shift
from index.search import Candidates, Searcher
from ingest.pipeline import Ingester
from settings import DEFAULT_MODEL, Settings
from text.analysis import default_analyzer
from text.translation import Lexicon, english_terms

LIBRARY = {
    "goteborg.txt": "Göteborg har omkring 600 000 invånare och är Sveriges näst största stad. "
                    "Staden ligger vid Göta älvs mynning på västkusten.",
    "passports.txt": "People who live abroad can renew their passports online. How many days it takes depends "
                     "on the embassy and on how many people have applied.",
    "skog.txt": "Skogsstyrelsen inventerar varje år trädslag och virkesförråd i de svenska skogarna och "
                "redovisar resultaten i skogsdata.",
    "vaccin.txt": "Vaccination mot covid-19 erbjuds alla vuxna i regionen. Boka tid på vårdcentralen eller via 1177.",
    "trains.txt": "The railway timetable changes in December each year, when new departures are added and old "
                  "ones are removed.",
}
LEXICON_LIBRARY = {
    "stad.txt": "I Göteborg bor omkring 600 000 människor, och det är Sveriges näst största stad.",
    "passports.txt": LIBRARY["passports.txt"],
    "skog.txt": LIBRARY["skog.txt"],
}


def ingested(settings: Settings, tmp_path, texts: dict[str, str], **changes) -> Settings:
    """Settings over a fresh library in tmp_path, one text file per entry of `texts`, ingested."""
    settings = replace(settings, data_dir=tmp_path / "data", **changes)
    (tmp_path / "docs").mkdir()
    for name, text in texts.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    Ingester(settings).add([tmp_path / "docs"])
    return settings


def languages_told(monkeypatch, *modules: str) -> list[str]:
    """The questions whose language is told from now on, through question_language as `modules` import it."""
    told: list[str] = []

    def counted(question: str) -> str:
        told.append(question)
        return question_language(question)

    for module in modules:
        monkeypatch.setattr(f"{module}.question_language", counted)
    return told


@pytest.mark.parametrize("question, language", [
    ("How many people live in Gothenburg?", "en"),
    ("Hur många bor i Göteborg?", "sv"),
    ("Vad säger rapporten om it-system?", "sv"),
    ("What is Riksbanken?", "en"),
    ("Jämtland", "sv"),  # too little to tell: Swedish, the default
])
def test_question_language_from_function_words(question, language):
    assert question_language(question) == language


def test_keyword_weight_per_passage_follows_the_language_pair():
    weights = keyword_weights("en", ["sv", "en", None, "de"], same=0.4, across=0.1)
    assert np.allclose(weights, [0.1, 0.4, 0.4, 0.1])  # unknown language: as before


def test_same_weights_everywhere_is_todays_single_weight(settings):
    searcher = Searcher(replace(settings, keyword_weight=0.4, cross_language_keyword_weight=0.4))
    assert not searcher.weighs_languages
    assert searcher.keyword_weight("How many people live in Gothenburg?", ["sv", "en"]) == 0.4


def test_lexicon_translates_english_stems_to_swedish_terms(tmp_path):
    lexicon = Lexicon({"river": (("flod", 0.8), ("älv", 0.2)), "citi": (("stad", 0.9),)})
    assert english_terms("Which rivers flow through the cities?") == ["river", "flow", "citi"]
    assert lexicon.translate(["river", "flow", "citi"]) == {"flod": 0.8, "älv": 0.2, "stad": 0.9}
    lexicon.write(tmp_path / "lexicon.tsv")
    assert Lexicon.read(tmp_path / "lexicon.tsv") == lexicon


def test_model_one_learns_which_word_translates_which():
    pairs = [(["river", "citi"], ["flod", "stad"]), (["river"], ["flod"]), (["citi", "old"], ["stad", "gammal"]),
             (["old"], ["gammal"])]
    learned = lexicon(*model_one(pairs, iterations=10), min_count=1)
    assert [term for term, _ in learned.translations["river"]][:1] == ["flod"]
    assert [term for term, _ in learned.translations["citi"]][:1] == ["stad"]
    assert learned.translations["river"][0][1] > 0.8


def test_keyword_query_adds_translations_to_english_questions_only():
    lexicon = Lexicon({"river": (("flod", 0.5),)})
    english = keyword_query("Which river is the longest?", 2.0, lexicon)
    own = keyword_query("Which river is the longest?", 0.0, lexicon)  # 0: off, as before
    assert own == {term: 1 for term in default_analyzer().terms("Which river is the longest?")}
    assert english == {**own, "flod": pytest.approx(1.0)}  # its own words are kept
    swedish = "Vilken river är längst?"
    assert keyword_query(swedish, 2.0, lexicon) == keyword_query(swedish, 0.0, lexicon)


def test_the_lexicon_finds_the_swedish_answer_above_english_word_sharing(settings, tmp_path):
    """The keyword side alone: with the shipped lexicon the Swedish passage that answers comes first; without
    it, English words find only the English passage that shares them."""
    settings = ingested(settings, tmp_path, LEXICON_LIBRARY)
    question = "How many people live in the city?"
    names = [h.document.file_name for h in Searcher(settings).search(question, k=3, mode="bm25")]
    assert names[0] == "stad.txt" and "passports.txt" in names
    off = Searcher(replace(settings, english_lexicon_weight=0.0)).search(question, k=3, mode="bm25")
    assert [h.document.file_name for h in off] == ["passports.txt"]


def a_shift(model: str = "hashing", dimension: int = 256) -> QuestionShift:
    vector = np.random.default_rng(0).normal(size=dimension).astype(np.float32)
    return QuestionShift(model, "en", "sv", vector / np.linalg.norm(vector))


def test_the_shift_moves_english_questions_only_with_its_own_model(settings):
    query = np.ones(256, np.float32) / 16
    moved = Searcher(settings, shift=a_shift()).moved_query("How many people live in Gothenburg?", query)
    assert moved is not None and np.isclose(np.linalg.norm(moved), 1.0) and not np.allclose(moved, query)
    assert Searcher(settings, shift=a_shift()).moved_query("Hur många bor i Göteborg?", query) is None
    assert Searcher(settings, shift=a_shift("another/model")).moved_query("How many live here?", query) is None
    off = Searcher(replace(settings, cross_language_shift=0.0), shift=a_shift())
    assert off.moved_query("How many people live in Gothenburg?", query) is None
    assert Searcher(settings).moved_query("How many people live in Gothenburg?", query) is None  # shipped: e5 only


def test_the_moved_similarity_counts_for_passages_in_the_target_language_only():
    candidates = Candidates(np.arange(3), np.asarray([0.1, 0.2, 0.3], np.float32), None,
                            np.asarray([0.9, 0.8, 0.7], np.float32), "sv")
    assert np.allclose(candidates.across_languages(["sv", "en", None]).similarity, [0.9, 0.2, 0.3])
    plain = Candidates(np.arange(3), np.asarray([0.1, 0.2, 0.3], np.float32), None)
    assert plain.across_languages(["sv", "sv", "sv"]) is plain


def test_hybrid_search_scores_swedish_passages_with_the_moved_english_question(settings, tmp_path):
    settings = ingested(settings, tmp_path, LIBRARY)
    shifted, plain = Searcher(settings, shift=a_shift()), Searcher(replace(settings, cross_language_shift=0.0))
    english = "How many people live in Gothenburg?"
    moved = {h.passage.id: h for h in shifted.search(english, k=5)}
    before = {h.passage.id: h for h in plain.search(english, k=5)}
    assert {h.passage.language for h in moved.values()} == {"sv", "en"}
    for passage_id, hit in moved.items():
        same = np.isclose(hit.similarity, before[passage_id].similarity)
        assert same == (hit.passage.language != "sv")  # Swedish passages moved, English ones as before
    swedish = "Hur många invånare har Göteborg?"
    assert ([(h.passage.id, h.similarity) for h in shifted.search(swedish, k=5)]
            == [(h.passage.id, h.similarity) for h in plain.search(swedish, k=5)])
    assert [(h.passage.id, h.similarity) for h in shifted.search(english, k=5, mode="dense")] == \
        [(h.passage.id, h.similarity) for h in plain.search(english, k=5, mode="dense")]  # hybrid only


def test_a_question_s_language_is_told_once_per_search_and_per_question(settings, tmp_path, monkeypatch):
    """Hybrid search weighs keywords by language, translates and moves an English question: all from one
    telling of its language, which the assistant passes on to the search."""
    settings = ingested(settings, tmp_path, LIBRARY)
    told = languages_told(monkeypatch, "index.language", "index.search", "answer.assistant")
    searcher = Searcher(settings, shift=a_shift())
    assert searcher.weighs_languages and settings.english_lexicon_weight > 0
    english = "How many people live in Gothenburg?"
    assert searcher.search(english, k=3) and told == [english]
    told.clear()
    assert Assistant(settings, searcher).ask(english).hits and told == [english]


def test_the_shipped_shift_belongs_to_the_default_model():
    shift = shipped_shift()
    defaults = Settings()
    assert shift is not None and shift.model == model_identity(defaults)
    assert (shift.source, shift.target) == ("en", "sv")
    assert shift.vector.shape == (384,) and np.isfinite(shift.vector).all()
    assert shift.alpha == defaults.cross_language_shift > 0


@pytest.mark.real_model
def test_english_question_finds_the_swedish_answer_above_english_word_sharing(tmp_path):
    settings = Settings.from_env()
    prepare_e5_small(settings.models_dir / DEFAULT_MODEL)
    settings = ingested(settings, tmp_path, LIBRARY, model=DEFAULT_MODEL)
    hits = Searcher(settings).search("How many people live in Gothenburg?", k=3)
    assert [h.passage.language for h in hits[:1]] == ["sv"]
    assert hits[0].document.file_name == "goteborg.txt"
    names = [h.document.file_name for h in hits]
    assert names.index("goteborg.txt") < names.index("passports.txt")  # it shares "how many people live"
    assert hits[names.index("passports.txt")].keyword_score > hits[0].keyword_score


def test_the_evaluation_tells_a_question_s_language_once_for_every_variant_and_ranks_as_search_does(
        settings, tmp_path, monkeypatch):
    """evaluation/crosslingual.py ranks each fetched question as Searcher.search would, from one telling of its
    language for every variant it is ranked in."""
    settings = ingested(settings, tmp_path, LIBRARY, cross_language_keyword_weight=0.1, english_lexicon_weight=0.5)
    told = languages_told(monkeypatch, "evaluation.crosslingual", "index.language", "index.search")
    english = "How many people live in Gothenburg?"
    fetched = fetched_question(Searcher(settings), english, passage_facts(settings))
    assert fetched.question_language == "en"
    ranked = {name: ranked_documents(fetched, Searcher(variant), mode)
              for name, (mode, variant) in variants(settings).items()}
    assert told == [english] and all(ranked.values())
    searched = Searcher(settings).search(english, PASSAGES_PER_QUERY, language="en")
    assert ranked["hybrid after"] == list(dict.fromkeys(library_key(h.document.file_name) for h in searched))
