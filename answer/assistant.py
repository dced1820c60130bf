"""The assistant the UI talks to: search the library, compose a cited answer."""
from __future__ import annotations

from answer.compose import Answer, compose_answer
from corpus.filters import SearchFilters
from index.search import EmptyLibrary, Searcher
from settings import Settings


class Assistant:
    def __init__(self, settings: Settings, searcher: Searcher | None = None) -> None:
        self.settings = settings
        self.searcher = searcher or Searcher(settings)

    def ask(self, question: str, k: int | None = None, filters: SearchFilters | None = None) -> Answer:
        question = question.strip()
        if not question:
            return Answer(question, [], [], abstained=True, notice="Skriv en fråga.")
        try:
            hits = self.searcher.search(question, k, filters)
        except EmptyLibrary as exc:
            return Answer(question, [], [], abstained=True, notice=str(exc))
        if not hits and filters is not None and not filters.is_empty:
            return Answer(question, [], [], abstained=True,
                          notice="Inga dokument matchar de valda avgränsningarna. Ändra eller ta bort filtren.")
        return compose_answer(question, hits, min_dense_score=self.settings.min_score)
