"""The assistant the UI talks to: search the library, compose a cited answer."""
from __future__ import annotations

from answer.compose import Answer, compose_answer
from corpus.filters import SearchFilters
from index.search import EmptyLibrary, Searcher
from settings import Settings


MAX_QUESTION_CHARS = 2000


class Assistant:
    def __init__(self, settings: Settings, searcher: Searcher | None = None) -> None:
        self.settings = settings
        self.searcher = searcher or Searcher(settings)

    def ask(self, question: str, k: int | None = None, filters: SearchFilters | None = None) -> Answer:
        question = question.strip()
        if not question:
            return Answer(question, [], [], abstained=True, notice="Skriv en fråga.")
        if len(question) > MAX_QUESTION_CHARS:
            return Answer(question[:200] + " …", [], [], abstained=True,
                          notice=f"Frågan är för lång ({_swedish_number(len(question))} tecken). Korta den "
                                 f"till högst {_swedish_number(MAX_QUESTION_CHARS)} tecken, gärna en fråga i taget.")
        if not any(character.isalnum() for character in question):
            return Answer(question, [], [], abstained=True,
                          notice="Frågan innehåller inga ord. Skriv en fråga med ord, till exempel "
                                 "”Varför är gamla it-system ett problem?”")
        try:
            hits = self.searcher.search(question, k, filters)
        except EmptyLibrary as exc:
            return Answer(question, [], [], abstained=True, notice=str(exc))
        if not hits and filters is not None and not filters.is_empty:
            return Answer(question, [], [], abstained=True,
                          notice="Inga dokument matchar de valda avgränsningarna. Ändra eller ta bort filtren.")
        return compose_answer(question, hits, min_dense_score=self.settings.min_score)


def _swedish_number(n: int) -> str:
    """Thousands separated by a space, as Swedish writes them: 128 000."""
    return f"{n:,}".replace(",", " ")
