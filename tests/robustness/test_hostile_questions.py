"""Hostile questions are answered or refused cleanly: never a stack trace, never markup that runs."""
import pytest
from streamlit.testing.v1 import AppTest

from answer.assistant import MAX_QUESTION_CHARS, Assistant
from helpers import SWEDISH_PAGES, make_pdf
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT, Settings

HOSTILE = {
    "empty": "   \n\t ",
    "huge": "Varför är gamla it-system dyra? " * 4000,   # ~128,000 characters
    "punctuation": "?!?... ;;; ---- ***",
    "other scripts": "为什么旧的IT系统很贵？ Почему старые ИТ-системы дороги? لماذا",
    "markup": '<script>alert(1)</script><img src=x onerror="alert(2)"> it-system?',
    "control characters": "it-\x00system\x1b[31m kostnader\u202e",
    "sql-ish": "'; DROP TABLE documents; -- it-system",
}


@pytest.fixture
def library(hashing_env, tmp_path):
    make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES)
    Ingester(Settings.from_env()).add([tmp_path / "rapport.pdf"])
    return Settings.from_env()


@pytest.mark.parametrize("kind", HOSTILE)
def test_assistant_answers_or_refuses_cleanly(library, kind):
    answer = Assistant(library).ask(HOSTILE[kind])
    assert answer.sentences or answer.notice
    if kind in ("empty", "huge", "punctuation"):
        assert answer.abstained and answer.notice and not answer.hits
    for sentence in answer.sentences:  # whatever is said still quotes a cited passage
        assert sentence.text in answer.hits[sentence.source - 1].passage.text
    assert Assistant(library).searcher.published() is not None  # the library is untouched


def test_huge_question_is_refused_with_its_length(library):
    answer = Assistant(library).ask("a" * (MAX_QUESTION_CHARS + 1))
    assert "för lång (2 001 tecken)" in answer.notice_text and "högst 2 000 tecken, gärna" in answer.notice_text


@pytest.mark.parametrize("kind", ["huge", "markup", "punctuation", "other scripts"])
def test_app_shows_hostile_questions_as_text_without_error(library, kind):
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    app.run()
    app.chat_input[0].set_value(HOSTILE[kind]).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = "\n".join(m.value for m in app.markdown)
    assert "<script>" not in shown and "<img" not in shown
    if kind == "markup":
        assert "&#60;script&#62;" in shown or "&lt;script&gt;" in shown
