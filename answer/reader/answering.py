"""Answers from the reader's evidence: whether the library answers the question (a calibrated confidence
from the reader's margins), and which sentences to quote (those holding the best answer spans, the span
marked, from more than one source where several answer)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from answer.decision import Rule
from answer.evidence import Evidence
from answer.question_kind import EXPLANATION_KINDS, FACT_KINDS, question_kind
from answer.reader.reading import Reading
from answer.result import Answer, AnswerSentence, source_notes
from index.search import Hit
from text.problems import Phrase
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
# Across a language boundary (an English question over Swedish passages) the reader's margins are less sure
# than the search's order, whose embeddings cross languages: two logits per rank. Chosen on the tuning part
# of the realistic questions (answering every answerable English one, the quote holds the answering sentence
# for 0.654 against 0.596 with one logit) and on SQuAD's English questions over the two SQuAD-sv calibration
# articles (the quote states the gold for 0.741 against 0.730); Swedish questions keep one (0.690 against
# 0.650 with two on the tuning part).
RANK_PRIOR_CROSSING = 2.0
# The sentence of the passage's next best span is quoted too when that span lies in another sentence and
# scores at most this much below the best (in logits): where the reader hesitates between two sentences,
# both are shown. Chosen on the calibration articles (answering every answerable question, the quote
# states the gold for 0.839 of them against 0.810, with a second sentence on 14 % of answers; held out:
# SQuAD-sv 0.796 against 0.779, SweQUAD-MC dev 0.873 against 0.833; docs/evaluation.md).
ALTERNATIVE_GAP = 3.0
MAX_QUOTE_CHARS = 600
# A why, how, list or definition question is answered with up to MAX_EXPLANATION sentences of a passage: the
# one the reader's evidence favours most (its best span's margin within the sentence) and, next to it, those
# at most EXPLANATION_GAP logits below it, or the items a sentence ending in a colon introduces. Chosen on the
# tuning part of the realistic questions (evaluation/realistic/), answering every answerable one: the quote
# holds the answering sentence for 0.599 of them with 1.9 sentences on average, against 0.559 (1.5) with 2
# logits and 0.605 (2.2) with 8.
EXPLANATION_GAP = 6.0
MAX_EXPLANATION = 3
MAX_LIST_ITEMS = 6  # the items of one list belong together: as many are quoted, beside its colon line
LIST_ITEM = re.compile(r"^(?:[-–•*▪]|\d{1,2}[.)]|[a-z][.)])\s")


def reader_features(readings: Sequence[Reading], hits: Sequence[Hit], evidence: Evidence | None = None,
                    crossing: bool = False) -> dict[str, float]:
    """What the calibration may weigh: the best margin, the runner-up's, the best answerability logit, the
    best cosine similarity, the lexical evidence the heuristic uses (how well the best sentence covers the
    question, the rarest question term found nowhere), and whether the question crosses a language boundary
    to the passages (`crossing`: its scores then run lower, which the rule may offset)."""
    margins = sorted((r.margin for r in readings), reverse=True) or [-100.0]
    answerable = max((r.answerable for r in readings), default=-30.0)
    similarities = [h.similarity for h in hits if h.similarity is not None]
    lexical = {"sentence_coverage": evidence.sentence_coverage, "missing": evidence.missing} if evidence else {}
    return {"margin": max(margins[0], -30.0), "second_margin": max(margins[1] if len(margins) > 1 else -30.0, -30.0),
            "answerability": min(30.0, max(answerable, -30.0)), "similarity": max(similarities, default=0.0),
            "crossing": float(crossing), **lexical}


def crosses_languages(language: str, hits: Sequence[Hit]) -> bool:
    """Whether the question is in another language than the passage found first (an English question over
    Swedish documents)."""
    first = hits[0].passage.language if hits else None
    return bool(first) and first != language


def reader_confidence(readings: Sequence[Reading], hits: Sequence[Hit], rule: Rule,
                      evidence: Evidence | None = None, crossing: bool = False) -> float:
    """Calibrated probability that the library answers the question (the rule over reader_features)."""
    if not readings:
        return 0.0
    return rule.confidence(reader_features(readings, hits, evidence, crossing))


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


def explanation_sentences(hit: Hit, reading: Reading, gap: float = EXPLANATION_GAP,
                          most: int = MAX_EXPLANATION) -> list[AnswerSentence]:
    """The sentences of the passage that answer a why/how/list/definition question: the one with the
    strongest evidence, grown one neighbour at a time (the stronger side first) while a neighbour scores at
    most `gap` below it or is introduced by a sentence ending in a colon, up to `most`, in text order; the
    reader's span marked where it lies in one of them."""
    units = quote_units(hit.passage.text)
    if reading.tokens is None or not units:
        return span_sentences(hit, reading)
    text = hit.passage.text
    said = [text[unit.start:unit.end].strip() for unit in units]
    scores = [reading.tokens.best_margin_within(unit.start, unit.end) for unit in units]
    best = max(range(len(units)), key=lambda i: scores[i])
    first = last = best

    def belongs(i: int) -> bool:  # a neighbour that is as good, or part of the same list
        listed = LIST_ITEM.match(said[i]) and any(LIST_ITEM.match(said[j]) or said[j].endswith(":")
                                                  for j in range(first, last + 1))
        introduced = i == last + 1 and said[last].endswith(":")
        return scores[i] >= scores[best] - gap or bool(listed) or introduced

    while last - first + 1 < (MAX_LIST_ITEMS if LIST_ITEM.match(said[best]) else most):
        welcome = [i for i in (first - 1, last + 1) if 0 <= i < len(units) and belongs(i)]
        if not welcome:
            break
        chosen = max(welcome, key=lambda i: scores[i])
        first, last = min(first, chosen), max(last, chosen)
    return [_marked_sentence(hit, unit, reading.start, reading.end) for unit in units[first:last + 1]]


def _overlaps(unit: _Quote, start: int, end: int) -> bool:
    return unit.start < end and start < unit.end


def _marked_sentence(hit: Hit, unit: _Quote, span_start: int, span_end: int) -> AnswerSentence:
    text = hit.passage.text
    start, end = quote_window(text, unit, span_start, span_end)
    marked = (max(span_start, start) - start, min(span_end, end) - start)
    return AnswerSentence(text[start:end], hit.rank, span=marked if marked[1] > marked[0] else None)


def compose_read_answer(question: str, hits: Sequence[Hit], readings: Sequence[Reading], language: str,
                        max_sources: int = MAX_SOURCES, shaped: bool = True) -> Answer:
    """Quote the sentence(s) holding the best span first (the reader's margin, weighed with the search's
    rank), then those of other passages where the reader also finds an answer; say so when their answers
    differ. `short_answer` is the span of the first source quoted (the best reading's, unless its span lies
    in nothing quotable). With `shaped`, the answer takes the shape the question asks for
    (answer/question_kind.py): a why/how/list/definition question is answered with the sentences that
    explain (`explanation_sentences`) and no short answer; a yes/no question without a short answer."""
    kind = question_kind(question) if shaped else "fact"
    quote = explanation_sentences if kind in EXPLANATION_KINDS else span_sentences
    hits = list(hits)
    prior = RANK_PRIOR_CROSSING if crosses_languages(language, hits) else RANK_PRIOR

    def weighed(reading: Reading) -> float:
        return reading.margin - prior * hits[reading.passage].rank

    ranked = sorted(readings, key=lambda r: -weighed(r))
    best = ranked[0]
    chosen: list[tuple[Hit, Reading, list[AnswerSentence]]] = []
    for reading in ranked:
        if len(chosen) == max_sources:
            break
        if chosen and (reading.margin <= 0 or weighed(reading) < weighed(best) - SECOND_SOURCE_GAP):
            break
        hit = hits[reading.passage]
        quoted = quote(hit, reading)
        if not quoted or any(_normal(q.text) == _normal(s.text) for _, _, sentences in chosen for s in sentences
                             for q in quoted):
            continue
        chosen.append((hit, reading, quoted))
    sentences = [s for _, _, quoted in chosen for s in quoted]
    cited = {s.source for s in sentences}
    notes = list(source_notes([h for h in hits if h.rank in cited]))
    answers = [(reading.span_of(hit.passage.text).strip(), hit.rank) for hit, reading, _ in chosen]
    if kind in FACT_KINDS and len({_normal(text) for text, _ in answers}) > 1:
        listed = ", ".join(f"”{text}” [{rank}]" for text, rank in answers)
        notes.append(Phrase("answers_differ", {"answers": listed}))
    short, source = answers[0] if answers else (None, None)  # the first quoted source's own span
    if kind in EXPLANATION_KINDS or kind == "yesno":
        short, source = None, None
    return Answer(question, sentences, hits, cited=cited, language=language, notes=tuple(notes),
                  short_answer=short or None, short_answer_source=source, read_by="reader")


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.findall(r"\w+", text))


def closest_sentence(question: str, hits: Sequence[Hit], readings: Sequence[Reading],
                     language: str) -> AnswerSentence | None:
    """Where the library does not answer with confidence: the sentence the reader found closest (of the
    passage it would have quoted first), to be shown as unconfirmed, never as an answer."""
    if not readings:
        return None
    quoted = compose_read_answer(question, hits, readings, language, max_sources=1).sentences
    return next((s for s in quoted if s.span), quoted[0] if quoted else None)
