"""Example questions worth offering: those the library answers. A question made from a title ("Vad står det
i ”…”?") is often one the assistant rightly abstains on (a title names a topic, not a fact), and an
example that ends in "the library does not say" is a poor first impression; so each candidate is asked
as the chat would ask it, and only the answered ones are kept."""
from __future__ import annotations

from typing import Sequence

from corpus.filters import SearchFilters

EXAMPLES = 3
TRIES = 6  # candidates asked at most (each is a whole answer: a search and, with the reader, a read)


def answered_examples(assistant, candidates: Sequence[str], filters: SearchFilters | None = None,
                      wanted: int = EXAMPLES, tries: int = TRIES) -> list[str]:
    """The first `wanted` of the first `tries` candidates that `assistant` answers under `filters`."""
    kept = []
    for question in list(candidates)[:tries]:
        if len(kept) == wanted:
            break
        if not assistant.ask(question, filters=filters).abstained:
            kept.append(question)
    return kept
