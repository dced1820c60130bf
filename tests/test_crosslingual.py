"""evaluation/crosslingual.py ranks each fetched question as Searcher.search would, from one telling of its
language for every variant it is ranked in."""
from dataclasses import replace

from evaluation.answers import library_key
from evaluation.crosslingual import fetched_question, passage_facts, ranked_documents, variants
from evaluation.retrieval import PASSAGES_PER_QUERY
from index.language import question_language
from index.search import Searcher
from ingest.pipeline import Ingester

LIBRARY = {
    "1_goteborg.txt": "Göteborg har omkring 600 000 invånare och är Sveriges näst största stad.",
    "2_passports.txt": "People who live abroad can renew their passports online at the embassy.",
    "3_skog.txt": "Skogsstyrelsen inventerar varje år trädslag och virkesförråd i de svenska skogarna.",
    "4_trains.txt": "The railway timetable changes in December each year, when new departures are added.",
}


def test_a_question_s_language_is_told_once_for_every_variant_and_ranks_as_search_does(settings, tmp_path,
                                                                                      monkeypatch):
    settings = replace(settings, data_dir=tmp_path / "data", cross_language_keyword_weight=0.1,
                       english_lexicon_weight=0.5)
    (tmp_path / "docs").mkdir()
    for name, text in LIBRARY.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    Ingester(settings).add([tmp_path / "docs"])
    told = []

    def counted(question: str) -> str:
        told.append(question)
        return question_language(question)

    for module in ("evaluation.crosslingual", "index.language", "index.search"):
        monkeypatch.setattr(f"{module}.question_language", counted)
    english = "How many people live in Gothenburg?"
    fetched = fetched_question(Searcher(settings), english, passage_facts(settings))
    assert fetched.question_language == "en"
    ranked = {name: ranked_documents(fetched, Searcher(variant), mode)
              for name, (mode, variant) in variants(settings).items()}
    assert told == [english] and all(ranked.values())
    searched = Searcher(settings).search(english, PASSAGES_PER_QUERY, language="en")
    assert ranked["hybrid after"] == list(dict.fromkeys(library_key(h.document.file_name) for h in searched))
