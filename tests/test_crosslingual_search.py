"""An English question over a library in Swedish and English: the keyword side gives way across languages."""
from dataclasses import replace

import numpy as np
import pytest

from embedding.prepare import prepare_e5_small
from index.language import keyword_weights, question_language
from index.search import Searcher
from ingest.pipeline import Ingester
from settings import DEFAULT_MODEL, Settings

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


@pytest.mark.real_model
def test_english_question_finds_the_swedish_answer_above_english_word_sharing(tmp_path):
    settings = Settings.from_env()
    prepare_e5_small(settings.models_dir / DEFAULT_MODEL)
    settings = replace(settings, data_dir=tmp_path / "data", model=DEFAULT_MODEL)
    (tmp_path / "docs").mkdir()
    for name, text in LIBRARY.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    Ingester(settings).add([tmp_path / "docs"])
    hits = Searcher(settings).search("How many people live in Gothenburg?", k=3)
    assert [h.passage.language for h in hits[:1]] == ["sv"]
    assert hits[0].document.file_name == "goteborg.txt"
    names = [h.document.file_name for h in hits]
    assert names.index("goteborg.txt") < names.index("passports.txt")  # it shares "how many people live"
    assert hits[names.index("passports.txt")].keyword_score > hits[0].keyword_score
