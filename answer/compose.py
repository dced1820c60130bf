"""Extractive answers: the sentences of the retrieved passages that best answer the question, each cited.

Every sentence is copied verbatim from the passage it cites, so citation precision is 100% by
construction. At most two sentences come from one passage, near-duplicates are dropped, and the chosen
sentences are ordered by source and position."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from answer.evidence import sentences, weighted_coverage, weighted_terms
from answer.result import Answer, AnswerSentence, abstaining, source_notes
from index.search import Hit
from text.analysis import default_analyzer

MIN_SENTENCE_CHARS = 25
MAX_SENTENCE_CHARS = 600
NEAR_DUPLICATE = 0.6


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
                  notes=source_notes([h for h in hits if h.rank in cited]))


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
