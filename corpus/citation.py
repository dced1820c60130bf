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


PROVENANCE_LABELS = {"sv": {"series": "Typ", "edition": "Utgåva", "licence": "Licens"},
                     "en": {"series": "Type", "edition": "Edition", "licence": "Licence"}}


def provenance(document: Document, language: str = "sv") -> list[str]:
    """'Typ: SOU', 'Utgåva: 2', 'Licens: CC BY 4.0': the record details shown with a citation."""
    labels = PROVENANCE_LABELS.get(language, PROVENANCE_LABELS["sv"])
    meta = document.metadata
    return [f"{label}: {getattr(meta, name)}" for name, label in labels.items() if getattr(meta, name)]
