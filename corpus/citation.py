"""How a source is cited: document, authority/author, year, page, identifier, in the reader's language
(the words come from the message catalogue; the records hold only data)."""
from __future__ import annotations

from corpus.records import Document, Passage
from text.messages import message

PROVENANCE_FIELDS = ("series", "edition", "licence")
# The names people use for a series, by any spelling a source gives: regeringen.se's folder slugs
# ("statens-offentliga-utredningar", "pressmeddelanden"), the prefix of an identifier ("skr"), the word for a
# numbered series ("skrivelse"). Keys are lower case; any other series ("debattartikel") is shown as given.
SERIES_NAMES = {
    **dict.fromkeys(("sou", "statens-offentliga-utredningar", "statens offentliga utredningar"), "SOU"),
    **dict.fromkeys(("ds", "departementsserien", "departementsserien-och-promemorior"), "Ds"),
    **dict.fromkeys(("dir", "dir.", "kommittedirektiv", "kommittédirektiv"), "Dir."),
    **dict.fromkeys(("skr", "skr.", "skrivelse", "skrivelser"), "Skr."),
    **dict.fromkeys(("prop", "prop.", "proposition", "propositioner"), "Prop."),
    **dict.fromkeys(("rir", "riksrevisionens granskningsrapporter"), "RiR"),
    "regeringsuppdrag": "Regeringsuppdrag",
    "pressmeddelanden": "Pressmeddelande",
    "debattartiklar": "Debattartikel",
    "artiklar": "Artikel",
    "informationsmaterial": "Informationsmaterial",
    "regeringens-politik": "Regeringens politik",
    "rapporter": "Rapport",
    **dict.fromkeys(("lagradsremiss", "lagradsremisser"), "Lagrådsremiss"),
    "remisser": "Remiss",
    "tal": "Tal",
}


def series_name(series: str | None) -> str | None:
    """'SOU' for 'statens-offentliga-utredningar', 'Skr.' for 'skrivelse'; other series as given."""
    if not series or not series.strip():
        return None
    return SERIES_NAMES.get(series.strip().casefold(), series.strip())


def page_text(passage: Passage, language: str = "sv") -> str | None:
    """'s. 12 (PDF-sida 14)' / 'p. 12 (PDF page 14)' (', OCR-läst' / ', read by OCR' for text read by
    OCR), or None when the source has no pages."""
    if passage.page_number is None:
        return None
    if passage.page_label and passage.page_label != str(passage.page_number):
        shown = message("page_printed", language, label=passage.page_label, page=passage.page_number)
    else:
        shown = message("page_plain", language, page=passage.page_number)
    return shown + (message("page_ocr", language) if passage.ocr else "")


def citation_line(document: Document, passage: Passage, language: str = "sv") -> str:
    """'Titel · Myndighet, (2020) · Skr. 2019/20:82 · s. 3' with whatever parts are known."""
    meta = document.metadata
    parts = [meta.title or document.file_name]
    who = ", ".join(p for p in (meta.authority, meta.year and f"({meta.year})") if p)
    if who:
        parts.append(who)
    if meta.identifier:
        parts.append(meta.identifier)
    page = page_text(passage, language)
    if page:
        parts.append(page)
    return " · ".join(parts)


def provenance(document: Document, language: str = "sv") -> list[str]:
    """'Typ: SOU', 'Utgåva: 2', 'Licens: CC BY 4.0': the record details shown with a citation."""
    meta = document.metadata
    shown = {"series": series_name(meta.series), "edition": meta.edition, "licence": meta.licence}
    return [f"{message('provenance_' + name, language)}: {shown[name]}" for name in PROVENANCE_FIELDS if shown[name]]
