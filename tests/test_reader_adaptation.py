"""The reader's second stage (evaluation/adapt_reader.py): realistic questions become reading examples on the
passage that holds their answer, the tuning part splits by document into a half that adapts the reader and a
half that calibrates it, and a short adaptation of the committed reader gives an artifact that reads."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from answer.reader.model import ARTIFACT_DIR
from embedding.prepare import prepare_e5_small
from evaluation.adapt_reader import _answer_example, adapt, find_in
from evaluation.reader_data import Example
from evaluation.realistic_set import RealisticQuestion, adaptation_half, realistic_questions
from settings import DEFAULT_MODEL, Settings


@dataclass(frozen=True)
class StoredPassage:
    text: str


def question(sentences: tuple[str, ...], short: str | None = None, kind: str = "list") -> RealisticQuestion:
    return RealisticQuestion("x-1", "Vilka uppgifter har myndigheten?", "sv", kind, True, sentences, short,
                             "rapport.pdf", 3, "tuning")


def test_an_answer_sentence_is_found_across_line_breaks_case_and_soft_hyphens():
    passage = "Inledning.\nMyndig\u00adheten ska  kartlägga\nbehoven. Sedan mer."
    start, end = find_in(passage, "myndigheten ska kartlägga behoven.")
    assert passage[start:end] == "Myndig\u00adheten ska  kartlägga\nbehoven."
    assert find_in(passage, "Något som inte står där.") is None


def test_a_list_answer_spans_its_items_and_a_fact_its_short_answer():
    text = "Uppdraget har tre delar:\n- kartlägga behoven\n- föreslå en modell\n- redovisa kostnaderna\nSlut."
    listed = _answer_example(question(("- kartlägga behoven", "- redovisa kostnaderna")),
                             [StoredPassage("Annat stycke."), StoredPassage(text)])
    assert listed.context == text
    assert listed.answer_text == "- kartlägga behoven\n- föreslå en modell\n- redovisa kostnaderna"
    assert text[listed.answer_start:listed.answer_start + len(listed.answer_text)] == listed.answer_text
    fact = _answer_example(question(("Uppdraget har tre delar:",), short="tre", kind="number"), [StoredPassage(text)])
    assert fact.answer_text == "tre" and text[fact.answer_start:fact.answer_start + 3] == "tre"
    assert _answer_example(question(("Står inte här.",)), [StoredPassage(text)]) is None


def test_the_tuning_part_splits_by_document_into_two_halves():
    tuning = realistic_questions(part="tuning")
    halves = {adaptation_half(q.document) for q in tuning}
    assert halves == {"adapt", "calibrate"}
    for document in {q.document for q in tuning}:
        assert adaptation_half(document) == adaptation_half(document)
    adapting = sum(adaptation_half(q.document) == "adapt" for q in tuning)
    assert 0.3 < adapting / len(tuning) < 0.7


@pytest.mark.real_model
def test_a_short_adaptation_of_the_committed_reader_gives_an_artifact_that_reads(tmp_path):
    from answer.reader.reading import Reader

    settings = Settings.from_env()
    prepare_e5_small(settings.models_dir / DEFAULT_MODEL)
    text = "Riksrevisionen granskade 42 myndigheter under 2024. Granskningen visade brister."
    examples = [Example("Hur många myndigheter granskades?", text, text.index("42"), "42", "test"),
                Example("Vem leder regeringen?", text, None, "", "test", "negative")] * 4
    out = tmp_path / "reader"
    config = adapt(settings.models_dir / DEFAULT_MODEL, ARTIFACT_DIR, out, examples, batch_size=4,
                   log=lambda line: None)
    assert config["adaptation"]["steps"] == 2 and "calibration" not in json.loads((out / "reader.json").read_text())
    assert (out / "reader.safetensors").stat().st_size < 20 * 2**20
    reading, = Reader(settings.models_dir / DEFAULT_MODEL, out).read("Hur många myndigheter granskades?", [text])
    assert text[reading.start:reading.end].strip() == "42"
