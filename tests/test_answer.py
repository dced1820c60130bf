"""Grounded answers through the real pieces (SQLite, FAISS, BM25; hashing embedder): citations that quote
their passages verbatim, abstention, follow-ups, sources of different kinds, export and feedback."""
from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from answer.assistant import Assistant
from answer.conversation import is_follow_up, next_turn
from answer.examples import answered_examples
from answer.export import to_markdown, to_pdf
from answer.feedback import all_feedback, record_feedback
from answer.language import question_language
from answer.records import answer_from_record, answer_record
from corpus.access import ANONYMOUS
from corpus.catalogue import Catalogue
from corpus.records import DocumentMetadata
from helpers import SWEDISH_PAGES, make_pdf
from ingest.pipeline import Ingester
from settings import Settings

LEGACY = ("Många statliga myndigheter har föråldrade it-system. De gamla systemen är svåra att byta ut och "
          "försvårar digitaliseringen. Underhållet av de föråldrade it-systemen kostar staten över en miljard "
          "kronor per år. Kostnaderna för att förvalta de gamla systemen ökar varje år. Riksrevisionen har "
          "granskat hur myndigheterna hanterar sina gamla system.")
ROADS = ("Kommunernas vägnät behöver underhållas. Kostnaderna för vägunderhåll har ökat kraftigt de senaste "
         "åren. Asfalt och snöröjning står för de största utgifterna i budgeten.")
OPINION = ("Debatt: Staten måste sluta lappa och laga gamla it-system. Att byta ut de föråldrade systemen är "
           "billigare i längden än att förvalta dem, skriver debattörerna.")


@pytest.fixture
def library(hashing_env, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "legacy.txt").write_text(LEGACY, encoding="utf-8")
    (docs / "roads.txt").write_text(ROADS, encoding="utf-8")
    ingester = Ingester(Settings.from_env())
    ingester.add([docs / "legacy.txt"], metadata=DocumentMetadata(series="skrivelse", published="2020-03-05"))
    ingester.add([docs / "roads.txt"], metadata=DocumentMetadata(series="rapport", published="2018"))
    (docs / "opinion.txt").write_text(OPINION, encoding="utf-8")
    ingester.add([docs / "opinion.txt"], metadata=DocumentMetadata(series="debattartikel", published="2023"))
    make_pdf(docs / "rapport.pdf", SWEDISH_PAGES)
    ingester.add([docs / "rapport.pdf"])
    return Settings.from_env()


QUESTIONS = ["Varför försvårar föråldrade it-system digitaliseringen?", "Vad kostar underhållet av gamla system?",
             "Vad bör myndigheterna inventera?", "Varför har kostnaderna för vägunderhåll ökat?",
             "Vad skriver debattörerna om att byta ut systemen?"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_citation_points_to_a_passage_containing_that_sentence(library, question):
    answer = Assistant(library).ask(question)
    assert not answer.abstained and answer.sentences, answer.notice_text
    for sentence, marker in zip(answer.sentences, re.findall(r"\[(\d+)\]", answer.text)):
        assert int(marker) == sentence.source
        cited = answer.hits[sentence.source - 1]
        assert cited.rank == sentence.source
        assert sentence.text in cited.passage.text, (sentence.text, cited.passage.text)
    assert answer.cited == {s.source for s in answer.sentences}


def test_question_the_library_cannot_answer_abstains_and_shows_related_passages(library):
    answer = Assistant(library).ask("Hur många älgar sköts under jakten i Jämtland förra hösten?")
    assert answer.abstained and not answer.sentences
    assert "inget säkert svar" in answer.notice_text and "möjligen relaterade" in answer.notice_text
    assert answer.hits, "the nearest passages are still shown"


def test_answerable_question_is_more_confident_than_unanswerable(library):
    assistant = Assistant(library)
    answered = assistant.ask("Vad kostar underhållet av de föråldrade it-systemen?")
    refused = assistant.ask("Hur många älgar sköts under jakten i Jämtland förra hösten?")
    assert answered.confidence > assistant.rule.threshold > refused.confidence


def test_only_example_questions_the_library_answers_are_offered(library):
    unanswered = "Hur många älgar sköts under jakten i Jämtland förra hösten?"
    answered = "Vad kostar underhållet av de föråldrade it-systemen?"
    also = "Vad har ökat kraftigt de senaste åren?"
    assistant = Assistant(library)
    assert answered_examples(assistant, [unanswered, answered, also]) == [answered, also]
    assert answered_examples(assistant, [unanswered, answered, also], wanted=1) == [answered]
    assert answered_examples(assistant, [unanswered, answered], tries=1) == []


def test_english_question_gets_english_notices(library):
    answer = Assistant(library).ask("How many moose were shot in Jämtland during last year's hunt?")
    assert answer.language == "en" and answer.abstained
    assert "does not answer" in answer.notice_text


def test_follow_up_is_searched_with_the_topic_of_the_first_question(library):
    assistant = Assistant(library)
    first = assistant.ask("Varför försvårar föråldrade it-system digitaliseringen i staten?")
    assert not first.abstained
    follow_up = assistant.ask("Vad säger de om kostnaderna?", history=[first.turn])
    assert follow_up.search_query and "it-system" in follow_up.search_query
    assert not follow_up.abstained, follow_up.notice_text
    top = follow_up.hits[follow_up.sentences[0].source - 1]
    assert top.document.file_name == "legacy.txt"
    assert any("systemen" in s.text for s in follow_up.sentences)
    # without the conversation the same words are about any costs, roads included
    alone = assistant.ask("Vad säger de om kostnaderna?")
    assert alone.search_query is None


@pytest.mark.parametrize("question, expected", [
    ("Vad säger de om kostnaderna?", True),
    ("Och i kommunerna?", True),
    ("Hur gick det sedan?", True),
    ("What about the costs?", True),
    ("Vad kostar det att byta ut föråldrade it-system i kommunerna?", False),
    ("Vilka myndigheter har granskat informationssäkerheten?", False),
])
def test_follow_up_detection(question, expected):
    history = [next_turn("Vilka problem ger föråldrade it-system i staten?", [])]
    assert is_follow_up(question, history) is expected
    assert not is_follow_up(question, [])


@pytest.mark.parametrize("question, language", [
    ("Vad säger de om kostnaderna?", "sv"), ("Varför byts gamla system inte ut", "sv"),
    ("What do they say about the costs?", "en"), ("Why are legacy systems a problem", "en"), ("it-system", "sv")])
def test_question_language(question, language):
    assert question_language(question) == language


def test_sources_of_different_kinds_and_years_are_pointed_out(library):
    answer = Assistant(library).ask("Är det billigare att byta ut de föråldrade it-systemen än att förvalta dem?")
    kinds = {answer.hits[s.source - 1].document.metadata.series for s in answer.sentences}
    if len(kinds) > 1:
        assert any("olika slag" in note for note in answer.note_texts), answer.note_texts
    else:
        pytest.fail(f"expected two kinds of sources to be cited, got {kinds}: {answer.text}")


def reopened(record: dict, settings: Settings):
    """A stored answer record (as JSON, as the catalogue keeps it) opened again."""
    with Catalogue(settings.catalogue_path) as catalogue:
        return answer_from_record(json.loads(json.dumps(record)), catalogue, ANONYMOUS)


def test_a_stored_answer_keeps_its_notice_and_notes_as_codes_and_shows_them_in_its_language(library):
    assistant = Assistant(library)
    refused = assistant.ask("How many moose were shot in Jämtland during last year's hunt?")
    record = answer_record(refused)
    assert record["notice_phrase"]["key"] == "no_support" and record["notice"] == refused.notice_text
    again = reopened(record, library)
    assert again.language == "en" and again.notice == refused.notice
    assert "does not answer" in again.notice_text and again.notice.text("sv") != again.notice_text
    noted = assistant.ask("Är det billigare att byta ut de föråldrade it-systemen än att förvalta dem?")
    record = answer_record(noted)
    assert noted.notes and [n["key"] for n in record["note_phrases"]] == [n.key for n in noted.notes]
    again = reopened(record, library)
    assert again.notes == noted.notes and again.note_texts == noted.note_texts == tuple(record["notes"])
    assert any("different kinds" in note.text("en") for note in again.notes)


def test_an_answer_stored_before_notices_were_codes_still_opens_with_its_words(library):
    record = answer_record(Assistant(library).ask("Är det billigare att byta ut de föråldrade it-systemen än att "
                                                  "förvalta dem?"))
    old = {key: value for key, value in record.items() if key not in ("notice_phrase", "note_phrases")}
    old |= {"notice": "Ett meddelande som det skrevs.", "notes": ["Källorna är av olika slag: se upp."]}
    again = reopened(old, library)
    assert again is not None and again.sentences
    assert again.notice_text == "Ett meddelande som det skrevs." and again.notice.text("en") == again.notice_text
    assert again.note_texts == ("Källorna är av olika slag: se upp.",)
    assert answer_record(again)["notice"] == "Ett meddelande som det skrevs."  # stored again, still its words
    gone = record | {"notice_phrase": {"key": "no_such_message", "params": {}}, "notice": "Som det visades."}
    assert reopened(gone, library).notice_text == "Som det visades."


def test_markdown_export_quotes_sources_and_escapes_markup(hashing_env, tmp_path):
    (tmp_path / "elak.md").write_text("Gamla it-system <script>alert(1)</script> är dyra <img src=x onerror=alert(2)>.",
                                      encoding="utf-8")
    Ingester(Settings.from_env()).add([tmp_path / "elak.md"])
    answer = Assistant(Settings.from_env()).ask("Varför är gamla it-system dyra?")
    exported = to_markdown(answer)
    assert "# Fråga: Varför är gamla it\\-system dyra?" not in exported  # hyphen is not special
    assert "<script>" not in exported and "<img" not in exported and "&lt;script&gt;" in exported
    assert "## Källor" in exported and "[1\\]" in exported


def test_pdf_export_has_question_answer_and_references(library):
    answer = Assistant(library).ask("Vad kostar underhållet av de föråldrade it-systemen?")
    pdf = to_pdf(answer)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Vad kostar underhållet" in text and "Källor" in text and "[1]" in text
    assert "miljard" in text


def test_feedback_is_stored_with_question_and_cited_passages(library):
    answer = Assistant(library).ask("Vad kostar underhållet av de föråldrade it-systemen?")
    record_feedback(library.catalogue_path, answer, useful=False, session="s1", user="testare", comment="för kort")
    [stored] = all_feedback(library.catalogue_path)
    assert not stored.useful and stored.question == answer.question and stored.comment == "för kort"
    assert stored.cited_passage_ids == [h.passage.id for h in answer.cited_hits] and stored.cited_passage_ids
    assert len(stored.shown_passage_ids) == len(answer.hits)
