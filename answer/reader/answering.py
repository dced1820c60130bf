"""Answers from the reader's evidence: whether the library answers the question (a calibrated confidence
from the reader's margins), and which sentences to quote (those holding the best answer spans, the span
marked, from more than one source where several answer)."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from answer.compose import Answer, AnswerSentence, source_notes
from answer.evidence import Evidence
from answer.reader.reading import Reading
from index.search import Hit
from text.messages import message
from text.sentences import sentence_spans

MAX_SOURCES = 3
# Another passage is quoted beside the best one when the reader also finds an answer there (margin > 0)
# not far below the best (in the reader's logit units).
SECOND_SOURCE_GAP = 4.0
# Which passage to quote first weighs the search's order beside the reader's margin: a margin one logit
# lower per rank further down. Chosen on the calibration articles (SQuAD-sv Black_Death and Konstruktion:
# the quoted answer states the gold for 0.805 of their answerable questions, against 0.787 by margin alone);
# on the held-out articles 0.783 against 0.766, on SweQUAD-MC dev unchanged (docs/evaluation.md).
RANK_PRIOR = 1.0
# The sentence of the passage's next best span is quoted too when that span lies in another sentence and
# scores at most this much below the best (in logits): where the reader hesitates between two sentences,
# both are shown. Chosen on the calibration articles (answering every answerable question, the quote
# states the gold for 0.839 of them against 0.810, with a second sentence on 14 % of answers; held out:
# SQuAD-sv 0.796 against 0.779, SweQUAD-MC dev 0.873 against 0.833; docs/evaluation.md).
ALTERNATIVE_GAP = 3.0
MAX_QUOTE_CHARS = 600


def reader_features(readings: Sequence[Reading], hits: Sequence[Hit], evidence: Evidence | None = None) -> dict[str, float]:
    """What the calibration may weigh: the best margin, the runner-up's, the best answerability logit, the
    best cosine similarity, and the lexical evidence the heuristic uses (how well the best sentence covers
    the question, the rarest question term found nowhere)."""
    margins = sorted((r.margin for r in readings), reverse=True) or [-100.0]
    answerable = max((r.answerable for r in readings), default=-30.0)
    similarities = [h.similarity for h in hits if h.similarity is not None]
    lexical = {"sentence_coverage": evidence.sentence_coverage, "missing": evidence.missing} if evidence else {}
    return {"margin": max(margins[0], -30.0), "second_margin": max(margins[1] if len(margins) > 1 else -30.0, -30.0),
            "answerability": min(30.0, max(answerable, -30.0)), "similarity": max(similarities, default=0.0), **lexical}


def calibration_for(calibration: dict, language: str) -> dict:
    """The rule for a question in `language`: the full one for Swedish questions; for others (which share
    no words with Swedish passages) the cross-lingual one, without the lexical features."""
    return calibration.get("cross_lingual", calibration) if language != "sv" else calibration


def reader_confidence(readings: Sequence[Reading], hits: Sequence[Hit], calibration: dict,
                      evidence: Evidence | None = None) -> float:
    """Calibrated probability that the library answers the question (logistic over reader_features)."""
    if not readings:
        return 0.0
    features = reader_features(readings, hits, evidence)
    weights = calibration.get("weights", {"margin": 1.0})
    z = calibration.get("bias", 0.0) + sum(w * features[name] for name, w in weights.items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class _Quote:
    start: int
    end: int


def quote_units(text: str) -> list[_Quote]:
    """Sentences as quoted: sentence spans, also split at line breaks (so a heading is not glued to the
    sentence after it), stripped of surrounding white space."""
    units = []
    for span in sentence_spans(text):
        cursor = span.start
        for piece in re.split(r"(\n)", text[span.start:span.end]):
            start, end = cursor, cursor + len(piece)
            cursor = end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start and piece != "\n":
                units.append(_Quote(start, end))
    return units


def quote_window(text: str, unit: _Quote, span_start: int, span_end: int,
                 limit: int = MAX_QUOTE_CHARS) -> tuple[int, int]:
    """The part of `unit` to quote: all of it when it is short enough; else at most `limit` characters
    around the span (a table row or a list run together can be one long "sentence", and its answer may lie
    far into it), cut at white space, never inside the span."""
    if unit.end - unit.start <= limit:
        return unit.start, unit.end
    inside_start, inside_end = max(unit.start, span_start), min(unit.end, span_end)
    room = max(0, limit - (inside_end - inside_start))
    start = max(unit.start, min(inside_start - room // 2, unit.end - limit))
    end = min(unit.end, max(start + limit, inside_end))
    if start > unit.start:  # begin at a word
        gap = text.find(" ", start, inside_start)
        start = gap + 1 if gap != -1 else start
    if end < unit.end:  # end at a word
        gap = text.rfind(" ", inside_end, end)
        end = gap if gap != -1 else end
    return start, end


def span_sentences(hit: Hit, reading: Reading, gap: float = ALTERNATIVE_GAP) -> list[AnswerSentence]:
    """The sentences of the passage that hold the reader's span, each with its part of the span marked, and
    in text order beside them the sentence of the next best span that lies elsewhere, where that span
    scores at most `gap` below the best."""
    units = quote_units(hit.passage.text)
    spans = {unit: (reading.start, reading.end) for unit in units if _overlaps(unit, reading.start, reading.end)}
    for margin, start, end in reading.alternatives:
        if margin < reading.margin - gap:
            break
        touched = [unit for unit in units if _overlaps(unit, start, end)]
        if touched and not any(unit in spans for unit in touched):
            spans.update({unit: (start, end) for unit in touched})
            break
    return [_marked_sentence(hit, unit, *spans[unit]) for unit in units if unit in spans]


def _overlaps(unit: _Quote, start: int, end: int) -> bool:
    return unit.start < end and start < unit.end


def _marked_sentence(hit: Hit, unit: _Quote, span_start: int, span_end: int) -> AnswerSentence:
    text = hit.passage.text
    start, end = quote_window(text, unit, span_start, span_end)
    marked = (max(span_start, start) - start, min(span_end, end) - start)
    return AnswerSentence(text[start:end], hit.rank, span=marked if marked[1] > marked[0] else None)


def compose_read_answer(question: str, hits: Sequence[Hit], readings: Sequence[Reading], language: str,
                        max_sources: int = MAX_SOURCES) -> Answer:
    """Quote the sentence(s) holding the best span first (the reader's margin, weighed with the search's
    rank), then those of other passages where the reader also finds an answer; say so when their answers
    differ. `short_answer` is the span of the first source quoted (the best reading's, unless its span lies
    in nothing quotable)."""
    hits = list(hits)

    def weighed(reading: Reading) -> float:
        return reading.margin - RANK_PRIOR * hits[reading.passage].rank

    ranked = sorted(readings, key=lambda r: -weighed(r))
    best = ranked[0]
    chosen: list[tuple[Hit, Reading, list[AnswerSentence]]] = []
    for reading in ranked:
        if len(chosen) == max_sources:
            break
        if chosen and (reading.margin <= 0 or weighed(reading) < weighed(best) - SECOND_SOURCE_GAP):
            break
        hit = hits[reading.passage]
        quoted = span_sentences(hit, reading)
        if not quoted or any(_normal(q.text) == _normal(s.text) for _, _, sentences in chosen for s in sentences
                             for q in quoted):
            continue
        chosen.append((hit, reading, quoted))
    sentences = [s for _, _, quoted in chosen for s in quoted]
    cited = {s.source for s in sentences}
    notes = list(source_notes([h for h in hits if h.rank in cited], language))
    answers = [(reading.span_of(hit.passage.text).strip(), hit.rank) for hit, reading, _ in chosen]
    if len({_normal(text) for text, _ in answers}) > 1:
        listed = ", ".join(f"”{text}” [{rank}]" for text, rank in answers)
        notes.append(message("answers_differ", language, answers=listed))
    short, source = answers[0] if answers else (None, None)  # the first quoted source's own span
    return Answer(question, sentences, hits, cited=cited, language=language, notes=tuple(notes),
                  short_answer=short or None, short_answer_source=source, read_by="reader")


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.findall(r"\w+", text))
