"""Split page texts into passages on paragraph and sentence boundaries, never across pages."""
from __future__ import annotations

from typing import Iterable

from corpus.records import Page, PassageDraft
from text.sentences import Span, sentence_spans


def _split_long(text: str, span: Span, limit: int) -> list[Span]:
    """A sentence longer than the limit is cut at white space."""
    pieces, cursor = [], span.start
    while span.end - cursor > limit:
        cut = text.rfind(" ", cursor, cursor + limit)
        if cut <= cursor:
            cut = cursor + limit
        pieces.append(Span(cursor, cut))
        cursor = cut
        while cursor < span.end and text[cursor].isspace():
            cursor += 1
    pieces.append(Span(cursor, span.end))
    return [p for p in pieces if p.end > p.start]


def chunk_page(page: Page, max_chars: int, overlap_sentences: int, first_ordinal: int = 0) -> list[PassageDraft]:
    """Pack a page's sentences into passages of at most `max_chars` characters."""
    text = page.text
    units = [piece for span in sentence_spans(text) for piece in _split_long(text, span, max_chars)]
    drafts: list[PassageDraft] = []
    group: list[Span] = []
    for unit in units:
        if group and unit.end - group[0].start > max_chars:
            drafts.append(_draft(page, group, first_ordinal + len(drafts)))
            keep = group[-overlap_sentences:] if overlap_sentences else []
            group = [s for s in keep if unit.end - s.start <= max_chars]
        group.append(unit)
    if group:
        drafts.append(_draft(page, group, first_ordinal + len(drafts)))
    return drafts


def _draft(page: Page, group: list[Span], ordinal: int) -> PassageDraft:
    start, end = group[0].start, group[-1].end
    text = " ".join(page.text[start:end].split())
    return PassageDraft(ordinal=ordinal, text=text, page_number=page.number, page_label=page.label,
                        char_start=start, char_end=end, ocr=page.ocr)


def chunk_pages(pages: Iterable[Page], max_chars: int, overlap_sentences: int) -> list[PassageDraft]:
    drafts: list[PassageDraft] = []
    for page in pages:
        drafts.extend(chunk_page(page, max_chars, overlap_sentences, first_ordinal=len(drafts)))
    return drafts
