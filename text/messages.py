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
