"""The trained reader (answer/reader/): loads from the committed artifact over the prepared default model,
marks the answer in a real Swedish passage and refuses a question the passage does not answer; the
training recipe runs end to end on a tiny subset; the assistant quotes the span's sentence, marked; with
the reader off (or another embedding model) the lexical abstention still decides."""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import pytest

from answer.assistant import Assistant
from answer.decision import reader_rule
from answer.reader import load_reader, reader_available
from answer.reader.answering import (
    ALTERNATIVE_GAP,
    RANK_PRIOR,
    RANK_PRIOR_CROSSING,
    compose_read_answer,
    quote_units,
    quote_window,
    span_sentences,
)
from answer.reader.reading import Reading
from corpus.records import Document, DocumentMetadata, Passage
from embedding.prepare import prepare_e5_small
from helpers import SHARED
from index.search import Hit
from ingest.pipeline import Ingester
from settings import DEFAULT_MODEL, PROJECT_ROOT, Settings

PASSAGE = ("Riksrevisionen granskade 2019 hur statliga myndigheter förvaltar sina äldre it-system. "
           "Granskningen omfattade elva myndigheter. Av deras verksamhetskritiska system bedömdes "
           "nästan hälften vara föråldrade. Riksrevisionen rekommenderade regeringen att ge Digg i uppdrag "
           "att stödja myndigheterna med att planera modernisering.")
OTHER = ("Kommunerna bygger ut sina e-tjänster för bygglov och skolval. Invånarna vill kunna följa sitt "
         "ärende digitalt och få besked snabbare.")


@pytest.fixture(scope="module")
def default_settings():
    settings = Settings.from_env()
    prepare_e5_small(settings.models_dir / DEFAULT_MODEL)
    return replace(settings, model=DEFAULT_MODEL)


@pytest.mark.real_model
def test_the_committed_reader_marks_the_answer_and_refuses_what_the_passage_does_not_say(default_settings):
    assert reader_available(default_settings), "the reader's artifact is committed in answer/reader/artifact"
    reader = load_reader(default_settings)
    answered, = reader.read("Hur många myndigheter omfattade granskningen?", [PASSAGE])
    assert answered.margin > 0 and "elva" in answered.span_of(PASSAGE)
    who, = reader.read("Vilken myndighet ska stödja myndigheterna med moderniseringen?", [PASSAGE])
    assert who.margin > 0 and "Digg" in who.span_of(PASSAGE)
    refused, = reader.read("Vem är generaldirektör för Riksrevisionen?", [PASSAGE])
    assert refused.margin < 0
    off_topic, = reader.read("Hur många myndigheter omfattade granskningen?", [OTHER])
    assert off_topic.margin < answered.margin and off_topic.margin < 0


@pytest.mark.real_model
def test_the_assistant_quotes_the_sentence_with_the_span_marked_and_says_the_short_answer(default_settings, tmp_path):
    # The calibrated threshold assumes a library of realistic size (idf and similarity scales); in this
    # two-document library a fixed one is set, and the reader's evidence still decides both questions.
    settings = replace(default_settings, data_dir=tmp_path / "data", min_confidence=0.1)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "granskning.txt").write_text("Äldre it-system i staten\n" + PASSAGE, encoding="utf-8")
    (folder / "kommun.txt").write_text(OTHER, encoding="utf-8")
    Ingester(settings).add([folder])
    answer = Assistant(settings).ask("Hur många myndigheter omfattade granskningen?")
    assert not answer.abstained and answer.read_by == "reader"
    assert "elva" in answer.short_answer and answer.short_answer_line.startswith("Svar: ")
    first = answer.sentences[0]
    assert first.text == "Granskningen omfattade elva myndigheter."  # verbatim, without the heading
    assert "elva" in first.text[first.span[0]:first.span[1]]
    refused = Assistant(settings).ask("Vem är generaldirektör för Riksrevisionen?")
    assert refused.abstained and refused.read_by == "reader"


@pytest.mark.real_model
def test_with_the_reader_off_the_lexical_abstention_still_decides(default_settings, tmp_path):
    settings = replace(default_settings, data_dir=tmp_path / "data", reader="off")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "granskning.txt").write_text(PASSAGE, encoding="utf-8")
    (folder / "kommun.txt").write_text(OTHER, encoding="utf-8")
    Ingester(settings).add([folder])
    assistant = Assistant(settings)
    assert assistant.reader is None
    answered = assistant.ask("Hur stor del av de verksamhetskritiska systemen var föråldrade?")
    assert not answered.abstained and answered.read_by == "heuristic" and answered.short_answer is None
    assert assistant.ask("Vad kostar ett pass för barn hos Polisen?").abstained


def test_another_embedding_model_gets_no_reader(default_settings):
    assert not reader_available(replace(default_settings, model="hashing"))
    assert not reader_available(replace(default_settings, model="KBLab/sentence-bert-swedish-cased"))


def test_the_readers_rule_is_built_once_per_language(settings, monkeypatch):
    calibration = {"weights": {"margin": 1.0}, "bias": 0.0, "threshold": 0.5,
                   "cross_lingual": {"weights": {"margin": 2.0}, "bias": -1.0, "threshold": 0.4}}
    assistant = Assistant(settings, reader=object(), calibration=calibration)
    built = []
    monkeypatch.setattr("answer.assistant.reader_rule",
                        lambda calibration, language: built.append(language) or reader_rule(calibration, language))
    rules = [assistant.reader_rule(language) for language in ("sv", "en", "sv", "en")]
    assert built == ["sv", "en"] and rules[0] is rules[2] and rules[1] is rules[3]
    assert rules[:2] == [reader_rule(calibration, "sv"), reader_rule(calibration, "en")] and rules[0] != rules[1]


def test_a_heading_is_not_glued_to_the_sentence_after_it():
    text = "Regeringen slår ihop myndigheterna\nSammanslagningen av PTS och Digg sker 2027. Den nya myndigheten får ett nytt namn."
    quoted = [text[u.start:u.end] for u in quote_units(text)]
    assert quoted == ["Regeringen slår ihop myndigheterna", "Sammanslagningen av PTS och Digg sker 2027.",
                      "Den nya myndigheten får ett nytt namn."]


def test_a_long_run_on_sentence_is_quoted_around_its_answer():
    row = " | ".join(f"rad {n} med text om annat" for n in range(60))  # a table row: one 1,600-character "sentence"
    text = row + " | Svaret är RiR 2025:8 enligt skrivelsen | " + row
    start = text.index("RiR 2025:8")
    unit = quote_units(text)[0]
    first, last = quote_window(text, unit, start, start + len("RiR 2025:8"))
    assert last - first <= 600 and "Svaret är RiR 2025:8 enligt skrivelsen" in text[first:last]
    assert text[first - 1] == " " and text[last] == " "  # cut between words
    short = quote_units("Kort mening om RiR 2025:8.")[0]
    assert quote_window("Kort mening om RiR 2025:8.", short, 15, 25) == (short.start, short.end)


@pytest.mark.real_model
@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "eval").is_dir(), reason="../shared/eval finns inte (en ny klon har ingen ../shared)")
def test_the_training_recipe_runs_end_to_end_on_a_tiny_subset(default_settings, tmp_path):
    out = tmp_path / "reader"
    result = subprocess.run([sys.executable, "-m", "evaluation.train_reader", "--limit", "24", "--epochs", "1",
                             "--lora-rank", "2", "--answerability-weight", "1", "--mined-negatives", "1",
                             "--out", str(out), "--work", str(tmp_path / "libraries")],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert (out / "reader.safetensors").stat().st_size < 20 * 2**20
    assert "Tröskel" in result.stdout
    assert re.search(r"^[1-9]\d* negativ ur sökningen", result.stdout, re.M), result.stdout[-2000:]
    from answer.reader.reading import Reader

    reading, = Reader(default_settings.models_dir / DEFAULT_MODEL, out).read("Hur många myndigheter?", [PASSAGE])
    assert 0 <= reading.start <= reading.end <= len(PASSAGE)


def two_document_library(default_settings: Settings, tmp_path) -> Settings:
    """Settings over a new library of PASSAGE and OTHER, ingested with the real model."""
    settings = replace(default_settings, data_dir=tmp_path / "data")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "granskning.txt").write_text(PASSAGE, encoding="utf-8")
    (folder / "kommun.txt").write_text(OTHER, encoding="utf-8")
    Ingester(settings).add([folder])
    return settings


@pytest.mark.real_model
def test_the_chat_shows_the_short_answer_and_the_marked_span(default_settings, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    settings = two_document_library(default_settings, tmp_path)
    monkeypatch.setenv("KALLA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("KALLA_MIN_CONFIDENCE", "0.1")  # a two-document library: see the test above
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=300)
    app.run()
    app.chat_input[0].set_value("Hur många myndigheter omfattade granskningen?").run()
    assert not app.exception, [e.value for e in app.exception]
    shown = "\n".join(m.value for m in app.markdown)
    assert "<strong>Svar:</strong> <mark>elva</mark>" in shown, shown[:2000]
    assert "Granskningen omfattade <mark>elva</mark> myndigheter&#46;" in shown
    assert any("Läsaren" in c.value for c in app.caption)


@pytest.mark.real_model
def test_adapters_trained_on_the_lower_layers_are_merged_into_the_weights_at_load(default_settings):
    import torch

    from answer.reader.model import apply_state, load_base, trained_state

    base = default_settings.models_dir / DEFAULT_MODEL
    trained, tokenizer = load_base(base)
    names = trained.train_top(2, lora_rank=4)
    assert any(n.endswith(".lora_a") for n in names) and "answerable.weight" in names
    with torch.no_grad():
        for name, parameter in trained.named_parameters():
            if name.endswith(".lora_b"):
                parameter.normal_(0, 0.05)  # as if trained: the change is no longer zero
    encoded = tokenizer(["Hur många myndigheter?"], [PASSAGE], return_tensors="pt")
    expected = trained(encoded["input_ids"], encoded["attention_mask"])
    plain, _ = load_base(base)
    apply_state(plain, trained_state(trained, names, torch.float32))
    assert not any(".lora_" in n for n, _ in plain.named_parameters())  # merged: reading costs the plain encoder
    for wanted, got in zip(expected, plain(encoded["input_ids"], encoded["attention_mask"])):
        assert torch.allclose(wanted, got, atol=1e-4)


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "eval").is_dir(), reason="../shared/eval finns inte (en ny klon har ingen ../shared)")
def test_the_english_calibration_questions_are_calibration_questions_of_both_kinds():
    import json

    from evaluation.answers import ENGLISH_CALIBRATION, english_calibration_questions
    from evaluation.reader_data import CALIBRATION_ARTICLES

    listed = json.loads(ENGLISH_CALIBRATION.read_text(encoding="utf-8"))["questions"]
    english = english_calibration_questions()
    assert len(english) == len(listed) == 120  # every id names a question of a calibration article
    assert {q.group for q in english} == set(CALIBRATION_ARTICLES)
    assert sum(q.answerable for q in english) == 60 and all(q.golds for q in english if q.answerable)
    assert all(q.language == "en" for q in english)


def test_training_examples_are_read_on_the_passages_the_library_cuts():
    from evaluation.reader_data import Example, as_passages, passage_spans

    first = "Riksrevisionen granskade 2019 hur statliga myndigheter förvaltar sina äldre it-system. " * 4
    second = "Granskningen omfattade elva myndigheter och deras verksamhetskritiska system. " * 4
    context = (first + second).strip()
    assert len(passage_spans(first.strip(), 600, 1)) == 1  # a paragraph of one passage stays whole
    spans = passage_spans(context, 300, 1)
    assert len(spans) >= 2
    start = context.rindex("elva")
    answerable = Example("Hur många myndigheter?", context, start, "elva", "g")
    adversarial = Example("Hur många kommuner?", context, None, "", "g", "unanswerable", decoy="elva")
    positive, negative, unanswerable = as_passages([answerable, adversarial], 300, 1, seed=1)
    assert positive.context[positive.answer_start:positive.answer_start + 4] == "elva"
    assert len(positive.context) <= 300 and positive.context in context
    assert not negative.answerable and "elva" not in negative.context and negative.kind == "negative"
    assert not unanswerable.answerable and "elva" in unanswerable.context and len(unanswerable.context) <= 300


def passage_hit(rank: int, text: str) -> Hit:
    """A search hit on a one-passage text document, for composing answers without a library."""
    document = Document(rank, f"h{rank}", f"{rank}.txt", f"{rank}.txt", f"{rank}.txt", "text/plain", 1,
                        DocumentMetadata(title=f"Dokument {rank}"), "sv", None, "text", "active", "", "")
    return Hit(rank, 1.0 / rank, Passage(rank, rank, 0, text, None, None, 0, len(text), "sv"), document)


def test_the_first_quote_weighs_the_readers_margin_with_the_search_rank():
    first = "Granskningen omfattade elva myndigheter."
    fourth = "Granskningen omfattade tolv kommuner."
    hits = [passage_hit(1, first), passage_hit(2, OTHER), passage_hit(3, OTHER + " "), passage_hit(4, fourth)]

    def reading(passage: int, margin: float, text: str, span: str) -> Reading:
        start = text.index(span)
        return Reading(passage, margin, start, start + len(span))

    # the fourth hit's margin is a little higher, but not by the three ranks it lies further down
    readings = [reading(0, 2.0, first, "elva"), reading(3, 2.0 + 3 * RANK_PRIOR - 0.5, fourth, "tolv")]
    answer = compose_read_answer("Hur många?", hits, readings, "sv")
    assert (answer.short_answer, answer.short_answer_source) == ("elva", 1)
    assert [s.source for s in answer.sentences] == [1, 4]  # the other answer is still quoted, second
    assert [note.key for note in answer.notes] == ["answers_differ"]  # a code, put into words where shown
    assert "”elva” [1], ”tolv” [4]" in answer.note_texts[0] and answer.notes[0].text("en").startswith("The sources")
    readings[1] = reading(3, 2.0 + 3 * RANK_PRIOR + 0.5, fourth, "tolv")
    assert compose_read_answer("Hur många?", hits, readings, "sv").short_answer == "tolv"


def test_across_languages_the_search_order_weighs_more_than_the_readers_margin():
    first = "Granskningen omfattade elva myndigheter."
    second = "Granskningen omfattade tolv kommuner."
    hits = [passage_hit(1, first), passage_hit(2, second)]
    between = (RANK_PRIOR + RANK_PRIOR_CROSSING) / 2  # the second hit's margin is this much higher
    readings = [Reading(0, 2.0, first.index("elva"), first.index("elva") + 4),
                Reading(1, 2.0 + between, second.index("tolv"), second.index("tolv") + 4)]
    assert compose_read_answer("Hur många granskades?", hits, readings, "sv").short_answer == "tolv"
    assert compose_read_answer("How many were audited?", hits, readings, "en").short_answer == "elva"


def test_where_the_reader_hesitates_between_two_sentences_both_are_quoted_and_marked():
    text = "Granskningen gällde statens it-system. Den omfattade elva myndigheter. Rapporten kom 2019."
    hit = passage_hit(1, text)
    best, other, same = text.index("2019"), text.index("elva"), text.index("Rapporten")

    def reading(alternative_margin: float) -> Reading:
        alternatives = ((5.5, same, best + 4), (alternative_margin, other, other + 4))  # the first: same sentence
        return Reading(0, 6.0, best, best + 4, 1.0, alternatives)

    near = span_sentences(hit, reading(6.0 - ALTERNATIVE_GAP + 0.5))
    assert [s.text for s in near] == ["Den omfattade elva myndigheter.", "Rapporten kom 2019."]  # in text order
    assert [s.text[slice(*s.span)] for s in near] == ["elva", "2019"]
    far = span_sentences(hit, reading(6.0 - ALTERNATIVE_GAP - 0.5))
    assert [s.text for s in far] == ["Rapporten kom 2019."]


WHY_PASSAGE = ("Många kommuner har kvar gamla it-system. Systemen köptes in för länge sedan och har byggts om "
               "lager på lager, så att de i dag är dyra och svåra att förändra. Det gör att nya digitala tjänster "
               "inte kan kopplas till dem. Regeringen vill därför se en plan för att ersätta dem före 2030.")
LIST_PASSAGE = ("Myndigheten ska inom uppdraget:\n- kartlägga de system som används i dag,\n- föreslå gemensamma "
                "standarder för informationsutbyte,\n- stödja kommunerna vid upphandling.\nUppdraget ska redovisas "
                "senast den 1 mars 2026.")


def shaped_answer(reader, question: str, text: str):
    hits = [passage_hit(1, text)]
    return compose_read_answer(question, hits, reader.read(question, [text]), "sv")


def in_passage_order(answer, text: str) -> bool:
    places = [text.index(s.text) for s in answer.sentences]
    return places == sorted(places) and all(s.text in text for s in answer.sentences)


@pytest.mark.real_model
def test_each_kind_of_question_gets_the_shape_of_answer_it_asks_for(default_settings):
    """A fact: the span, marked in its sentence, with a short answer. Why/list: the sentences that answer it,
    one to three and next to each other, without a short answer. Yes/no: the deciding sentence, no short
    answer."""
    reader = load_reader(default_settings)
    fact = shaped_answer(reader, "När ska uppdraget redovisas?", LIST_PASSAGE)
    assert fact.short_answer and "2026" in fact.short_answer
    assert [s.text for s in fact.sentences] == ["Uppdraget ska redovisas senast den 1 mars 2026."]
    assert "2026" in fact.sentences[0].text[slice(*fact.sentences[0].span)]

    why = shaped_answer(reader, "Varför är kommunernas gamla it-system ett problem?", WHY_PASSAGE)
    assert why.short_answer is None and 1 <= len(why.sentences) <= 3 and in_passage_order(why, WHY_PASSAGE)
    assert any("lager på lager" in s.text or "kan kopplas" in s.text for s in why.sentences)

    listed = shaped_answer(reader, "Vilka uppgifter har myndigheten fått i uppdraget?", LIST_PASSAGE)
    assert listed.short_answer is None and in_passage_order(listed, LIST_PASSAGE)
    assert len(listed.sentences) >= 2 and any(s.text.startswith("- ") for s in listed.sentences)

    yes_no = shaped_answer(reader, "Ska uppdraget redovisas före 2027?", LIST_PASSAGE)
    assert yes_no.short_answer is None and any("2026" in s.text for s in yes_no.sentences)


@pytest.mark.real_model
def test_an_abstention_still_shows_the_closest_passage_with_its_candidate_unconfirmed(default_settings, tmp_path,
                                                                                     monkeypatch):
    from streamlit.testing.v1 import AppTest

    settings = two_document_library(default_settings, tmp_path)
    question = "Vem är generaldirektör för Riksrevisionen?"
    answer = Assistant(replace(settings, min_confidence=0.999)).ask(question)
    assert answer.abstained and not answer.sentences and answer.unconfirmed is not None
    closest = next(hit for hit in answer.hits if hit.rank == answer.unconfirmed.source)
    assert answer.unconfirmed.text in closest.passage.text and "Riksrevisionen" in closest.passage.text

    monkeypatch.setenv("KALLA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("KALLA_MIN_CONFIDENCE", "0.999")  # nothing is confident enough: it abstains
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=300)
    app.run()
    app.chat_input[0].set_value(question).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = "\n".join(m.value for m in app.markdown)
    assert "Närmast, obekräftat (inget svar)" in shown and 'class="kalla-unconfirmed"' in shown
    assert "kalla-answer" not in shown  # not shown as an answer
    opened = [e for e in app.expander if e.proto.expanded]
    assert len(opened) == 1 and "granskning" in opened[0].label.lower() or "Äldre" in opened[0].label
