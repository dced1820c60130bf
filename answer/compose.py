"""Extractive answers: the sentences of the retrieved passages that best answer the question, each cited.

Every sentence is copied verbatim from the passage it cites, so citation precision is 100% by
construction. At most two sentences come from one passage, near-duplicates are dropped, and the chosen
sentences are ordered by source and position."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from answer.conversation import Turn
from answer.evidence import sentences, weighted_coverage, weighted_terms
from index.search import Hit
from text.analysis import default_analyzer
from text.messages import message

MIN_SENTENCE_CHARS = 25
MAX_SENTENCE_CHARS = 600
NEAR_DUPLICATE = 0.6


@dataclass(frozen=True)
class AnswerSentence:
    text: str  # verbatim from the cited passage (extractive), or a model's sentence checked against it
    source: int  # the [n] it cites: the hit's rank
    verbatim: bool = True
    span: tuple[int, int] | None = None  # the reader's answer span within `text` (character offsets)


@dataclass(frozen=True)
class Answer:
    question: str
    sentences: list[AnswerSentence]
    hits: list[Hit]
    abstained: bool = False
    notice: str | None = None
    cited: set[int] = field(default_factory=set)
    language: str = "sv"
    search_query: str | None = None      # set when the question was searched as a follow-up
    confidence: float | None = None      # the abstention model's confidence that the library answers it
    notes: tuple[str, ...] = ()          # how the sources differ (kind, year)
    written_by: str = "extractive"       # or the language model that wrote it
    turn: Turn | None = None             # what the next follow-up builds on
    short_answer: str | None = None      # the reader's answer span, given first as "Svar: …"
    short_answer_source: int | None = None  # the [n] it comes from
    read_by: str = "heuristic"           # "reader" where the trained reader chose the sentences
    unconfirmed: AnswerSentence | None = None  # abstaining: the closest candidate sentence, not an answer

    @property
    def text(self) -> str:
        return " ".join(f"{s.text} [{s.source}]" for s in self.sentences)

    @property
    def short_answer_line(self) -> str | None:
        """'Svar: …[n]' where the reader found a span."""
        if not self.short_answer:
            return None
        return f"{message('short_answer', self.language)}: {self.short_answer} [{self.short_answer_source}]"

    @property
    def cited_hits(self) -> list[Hit]:
        return [hit for hit in self.hits if hit.rank in self.cited]


def abstaining(question: str, hits: list[Hit], key: str, language: str, values: dict | None = None,
               **fields) -> Answer:
    """An answer that only gives the notice `key` (formatted with `values`) and, where any, related hits."""
    return Answer(question, [], hits, abstained=True, notice=message(key, language, **(values or {})),
                  language=language, **fields)


@dataclass(frozen=True)
class _Candidate:
    text: str
    hit: Hit
    position: int
    score: float


def compose_answer(question: str, hits: Sequence[Hit], idf: Callable[[list[str]], np.ndarray],
                   context: str = "", max_sentences: int = 3, language: str = "sv") -> Answer:
    """Pick up to `max_sentences` sentences that cover the most of the question (idf-weighted)."""
    hits = list(hits)
    if not hits:
        return abstaining(question, hits, "nothing_found", language)
    terms, weights = weighted_terms(question, context, idf)
    candidates = sorted(_candidates(hits, terms, weights), key=lambda c: -c.score)
    chosen: list[_Candidate] = []
    for candidate in candidates:
        if len(chosen) == max_sentences:
            break
        same_passage = sum(1 for c in chosen if c.hit.passage.id == candidate.hit.passage.id)
        if same_passage >= 2 or any(_similar(candidate.text, c.text) for c in chosen):
            continue
        chosen.append(candidate)
    chosen.sort(key=lambda c: (c.hit.rank, c.position))
    sentences = [AnswerSentence(c.text, c.hit.rank) for c in chosen]
    cited = {s.source for s in sentences}
    return Answer(question, sentences, hits, cited=cited, language=language,
                  notes=source_notes([h for h in hits if h.rank in cited], language))


def _candidates(hits: list[Hit], terms: list[str], weights: np.ndarray) -> list[_Candidate]:
    analyzer = default_analyzer()
    found = []
    for hit in hits:
        for position, sentence in enumerate(sentences(hit.passage.text)):
            if not MIN_SENTENCE_CHARS <= len(sentence) <= MAX_SENTENCE_CHARS:
                continue
            coverage = weighted_coverage(terms, set(analyzer.terms(sentence)), weights)
            # how much of the question the sentence covers dominates; the passage's rank, similarity
            # and the sentence's position (earlier is more often the point) break ties
            score = coverage + 0.3 * (hit.similarity or 0.0) - 0.05 * hit.rank - 0.01 * position
            found.append(_Candidate(sentence, hit, position, score))
    return found


def _similar(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) > NEAR_DUPLICATE


def source_notes(cited: list[Hit], language: str) -> tuple[str, ...]:
    """Say so when the cited sources differ in kind (series/type) or come from different years."""
    notes = []
    kinds: dict[str, list[int]] = {}
    for hit in cited:
        kind = (hit.document.metadata.series or "").strip()
        if kind:
            kinds.setdefault(kind, []).append(hit.rank)
    if len(kinds) > 1:
        listed = ", ".join(f"{kind} [{', '.join(map(str, ranks))}]" for kind, ranks in kinds.items())
        notes.append(message("kinds_differ", language, kinds=listed))
    years = {hit.rank: hit.document.metadata.year for hit in cited if hit.document.metadata.year}
    if len(set(years.values())) > 1:
        latest = max(years, key=lambda rank: years[rank])
        notes.append(message("years_differ", language, first=min(years.values()), last=max(years.values()),
                             latest=f"[{latest}]"))
    return tuple(notes)
