"""How a source is cited: document, authority/author, year, page, identifier."""
from __future__ import annotations

from corpus.records import Document, Passage


def citation_line(document: Document, passage: Passage) -> str:
    """'Titel. Myndighet (2020), Skr. 2019/20:82, s. 3' with whatever parts are known."""
    meta = document.metadata
    parts = [meta.title or document.file_name]
    who = ", ".join(p for p in (meta.authority, meta.year and f"({meta.year})") if p)
    if who:
        parts.append(who)
    if meta.identifier:
        parts.append(meta.identifier)
    if passage.page_display:
        parts.append(passage.page_display)
    return " · ".join(parts)
