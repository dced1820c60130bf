"""How strongly the retrieved passages support an answer, measured in ways that do not need the answer.

- similarity: the best cosine between the question and a passage (dense side; model-specific scale);
- coverage: the largest idf-weighted share of the question's terms that one passage contains, so a
  question about "kärnkraft" is not "covered" by a passage that only shares "regeringen";
- sentence_coverage: the same for the best single sentence (answers tend to sit in one sentence);
- missing: the idf of the rarest question term that no passage contains, relative to the rarest term
  of the question (0 when every term is found somewhere);
- similarity_gap / keyword_gap: how far the best passage stands out from the last of the k (passages
  that answer the question tend to stand out; near misses bunch together). Measured against the last
  rather than the second, so that two sources saying the same thing do not count against each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Callable, Sequence

import numpy as np

from index.search import Hit
from text.analysis import default_analyzer
from text.sentences import sentence_spans

FEATURES = ("similarity", "coverage", "sentence_coverage", "missing", "similarity_gap", "keyword_gap")
LEXICAL_FEATURES = ("coverage", "sentence_coverage", "missing", "keyword_gap")  # independent of the embedding model


@dataclass(frozen=True)
class Evidence:
    similarity: float
    coverage: float
    sentence_coverage: float = 0.0
    missing: float = 0.0
    similarity_gap: float = 0.0
    keyword_gap: float = 0.0


def weighted_coverage(question_terms: Sequence[str], passage_terms: set[str], idf: np.ndarray) -> float:
    """Share of the question's idf mass that the passage contains (0 when the question has no terms)."""
    total = float(idf.sum())
    if total <= 0:
        return 0.0
    return float(sum(w for term, w in zip(question_terms, idf) if term in passage_terms) / total)


CONTEXT_WEIGHT = 0.5  # a follow-up's borrowed topic counts half as much as its own words
# Words that frame a question rather than say what it is about ("Vad säger de om kostnaderna?").
QUESTION_FRAME = frozenset("""
vad hur varför vilka vilken vilket när vem säger sägs sa sade skriver skrev anser menar tycker tror beskriver
göra gör gjort handlar berätta förklara finns fanns kan kunde
what how why which when who say says said write writes wrote think thinks tell explain describe
""".split())


@cache
def frame_terms() -> frozenset[str]:
    analyzer = default_analyzer()
    return frozenset(term for word in QUESTION_FRAME for term in analyzer.terms(word))


def weighted_terms(question: str, context: str, idf: Callable[[list[str]], np.ndarray]) -> tuple[list[str], np.ndarray]:
    """The question's analysed terms with their idf, then the context's other terms at half weight."""
    analyzer, frame = default_analyzer(), frame_terms()
    own = [t for t in dict.fromkeys(analyzer.terms(question)) if t not in frame]
    borrowed = [t for t in dict.fromkeys(analyzer.terms(context)) if t not in own and t not in frame]
    terms = own + borrowed
    weights = np.asarray(idf(terms), dtype=np.float64) if terms else np.zeros(0)
    weights[len(own):] *= CONTEXT_WEIGHT
    return terms, weights


def gather_evidence(question: str, hits: Sequence[Hit], idf: Callable[[list[str]], np.ndarray],
                    context: str = "") -> Evidence:
    analyzer = default_analyzer()
    terms, weights = weighted_terms(question, context, idf)
    passages = [set(analyzer.terms(hit.passage.text)) for hit in hits]
    coverage = max((weighted_coverage(terms, found, weights) for found in passages), default=0.0)
    said = [sentence for hit in hits for sentence in sentences(hit.passage.text)]
    sentence_coverage = max((weighted_coverage(terms, set(analyzer.terms(sentence)), weights) for sentence in said),
                            default=0.0)
    found_anywhere = set().union(*passages) if passages else set()
    missing = max((w for t, w in zip(terms, weights) if t not in found_anywhere), default=0.0)
    missing = float(missing / weights.max()) if len(weights) and weights.max() > 0 else 0.0
    similarities = sorted((h.similarity for h in hits if h.similarity is not None), reverse=True)
    keywords = sorted((h.keyword_score for h in hits if h.keyword_score is not None), reverse=True)
    return Evidence(similarity=similarities[0] if similarities else 0.0, coverage=coverage,
                    sentence_coverage=sentence_coverage, missing=missing,
                    similarity_gap=similarities[0] - similarities[-1] if similarities else 0.0,
                    keyword_gap=_relative_gap(keywords))


def _relative_gap(scores: list[float]) -> float:
    """(best - last) / best, 1 for a single positive score, 0 for none."""
    if not scores or scores[0] <= 0:
        return 0.0
    return (scores[0] - (scores[-1] if len(scores) > 1 else 0.0)) / scores[0]


def sentences(text: str) -> list[str]:
    """The text's sentences, stripped, in order (empty ones included, so positions match the spans)."""
    return [text[span.start:span.end].strip() for span in sentence_spans(text)]
