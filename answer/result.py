"""What one turn of the assistant returns: the `Answer` record with its cited sentences (composed by
answer/compose.py without the reader, answer/reader/answering.py with it, answer/generate.py by a language
model), an abstaining answer, and the notes on how the cited sources differ."""
from __future__ import annotations

from dataclasses import dataclass, field

from answer.conversation import Turn
from index.search import Hit
from text.messages import message
from text.problems import Phrase, said


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
    notice: Phrase | None = None         # put into words where shown: `notice_text`
    cited: set[int] = field(default_factory=set)
    language: str = "sv"
    search_query: str | None = None      # set when the question was searched as a follow-up
    confidence: float | None = None      # the abstention model's confidence that the library answers it
    notes: tuple[Phrase, ...] = ()       # how the sources differ (kind, year, answer): `note_texts`
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
    def notice_text(self) -> str | None:
        """The notice in the answer's language."""
        return None if self.notice is None else self.notice.text(self.language)

    @property
    def note_texts(self) -> tuple[str, ...]:
        """The notes in the answer's language."""
        return tuple(note.text(self.language) for note in self.notes)

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
    return Answer(question, [], hits, abstained=True, notice=Phrase(key, values or {}), language=language, **fields)


def source_notes(cited: list[Hit]) -> tuple[Phrase, ...]:
    """Say so when the cited sources differ in kind (series/type) or come from different years."""
    notes = []
    kinds: dict[str, list[int]] = {}
    for hit in cited:
        kind = (hit.document.metadata.series or "").strip()
        if kind:
            kinds.setdefault(kind, []).append(hit.rank)
    if len(kinds) > 1:
        listed = ", ".join(f"{kind} [{', '.join(map(str, ranks))}]" for kind, ranks in kinds.items())
        notes.append(said("kinds_differ", kinds=listed))
    years = {hit.rank: hit.document.metadata.year for hit in cited if hit.document.metadata.year}
    if len(set(years.values())) > 1:
        latest = max(years, key=lambda rank: years[rank])
        notes.append(said("years_differ", first=min(years.values()), last=max(years.values()), latest=f"[{latest}]"))
    return tuple(notes)
