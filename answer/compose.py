"""Extractive answers: the sentences of the retrieved passages that best answer the question, each cited."""
from __future__ import annotations

from dataclasses import dataclass, field

from answer.terms import content_words, stem, stems
from index.search import Hit
from ingest.chunking import sentence_spans

MIN_SENTENCE_CHARS = 25
MAX_SENTENCE_CHARS = 600
NEAR_DUPLICATE = 0.6


@dataclass(frozen=True)
class AnswerSentence:
    text: str  # verbatim from the cited passage
    source: int  # the [n] it cites: the hit's rank


@dataclass(frozen=True)
class Answer:
    question: str
    sentences: list[AnswerSentence]
    hits: list[Hit]
    abstained: bool = False
    notice: str | None = None
    cited: set[int] = field(default_factory=set)

    @property
    def text(self) -> str:
        return " ".join(f"{s.text} [{s.source}]" for s in self.sentences)


@dataclass(frozen=True)
class _Candidate:
    text: str
    hit: Hit
    position: int
    score: float


def compose_answer(question: str, hits: list[Hit], max_sentences: int = 3,
                   min_dense_score: float = 0.0) -> Answer:
    """Pick up to `max_sentences` sentences, at most two per passage, ordered by source then position."""
    if not hits:
        return Answer(question, [], hits, abstained=True,
                      notice="Biblioteket innehåller inget som besvarar frågan.")
    wanted = stems(question)
    candidates = sorted(_candidates(hits, wanted), key=lambda c: -c.score)
    lexical_support = any(c.score >= 1.0 for c in candidates)
    if not lexical_support and max(hit.similarity or 0.0 for hit in hits) < min_dense_score:
        return Answer(question, [], hits, abstained=True,
                      notice="Jag hittar inget stöd i biblioteket för att besvara frågan. "
                             "Passagerna nedan är möjligen relaterade.")
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
    return Answer(question, sentences, hits, cited={s.source for s in sentences})


def _candidates(hits: list[Hit], wanted: set[str]) -> list[_Candidate]:
    found = []
    for hit in hits:
        text = hit.passage.text
        for position, span in enumerate(sentence_spans(text)):
            sentence = text[span.start:span.end].strip()
            if not MIN_SENTENCE_CHARS <= len(sentence) <= MAX_SENTENCE_CHARS:
                continue
            overlap = len(wanted & {stem(w) for w in content_words(sentence)})
            # word overlap dominates; the passage's rank and similarity break ties
            score = overlap + (hit.similarity or 0.0) - 0.05 * hit.rank - 0.01 * position
            found.append(_Candidate(sentence, hit, position, score))
    return found


def _similar(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) > NEAR_DUPLICATE
