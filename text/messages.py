"""Every word Källa itself shows or says, in Swedish (the default) and English: one catalogue keyed by id
(text/messages.json), for the app, the assistant's answers and the librarian's pages. Document text never
passes here; records and the database hold data and codes, and are put into words here."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CATALOGUE_FILE = Path(__file__).with_name("messages.json")
LANGUAGES = {"sv": "Svenska", "en": "English"}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def message(key: str, language: str = "sv", **values: object) -> str:
    """The text for `key` in `language` (Swedish where there is none), with `values` filled in."""
    texts = catalogue()[key]
    return texts.get(language, texts["sv"]).format(**values)


def number(n: int, language: str = "sv") -> str:
    """Thousands grouped as each language writes them: 128 000 / 128,000."""
    grouped = f"{n:,}"
    return grouped.replace(",", " ") if language == "sv" else grouped


def preferred_language(accept_language: str | None) -> str:
    """The language of LANGUAGES a client asks for most in an HTTP Accept-Language header ("en-GB,en;q=0.9,
    sv;q=0.8" -> "en"); Swedish where it names none of them or cannot be read."""
    best, best_weight = "sv", 0.0
    for part in (accept_language or "").split(","):
        tag, _, options = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        weight = 1.0
        for option in options.split(";"):
            name, _, value = option.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if primary in LANGUAGES and weight > best_weight:
            best, best_weight = primary, weight
    return best
