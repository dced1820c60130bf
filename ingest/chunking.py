"""Split page texts into passages on paragraph and sentence boundaries, never across pages."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from corpus.records import Page, PassageDraft

# A sentence ends at . ! ? (optionally followed by a quote/bracket) before white space and a capital,
# a digit or a dash, unless the word before is a common Swedish abbreviation.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”»)\]]*\s+(?=[A-ZÅÄÖÉ0-9–—\"'“«(])")
ABBREVIATIONS = {"bl.a", "t.ex", "m.m", "s.k", "dvs", "o.s.v", "osv", "jfr", "ca", "kap", "prop", "skr",
                 "nr", "s", "resp", "fr.o.m", "t.o.m", "d.v.s", "m.fl", "e.d", "p.g.a", "pga", "st", "mr",
                 "dr", "e.g", "i.e", "vs", "no", "art", "bet", "dnr"}
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans of text[start:end]; each paragraph ends a sentence."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    for paragraph in _paragraph_spans(text, start, end):
        cursor = paragraph.start
        for match in SENTENCE_END.finditer(text, paragraph.start, paragraph.end):
            if _is_abbreviation(text, cursor, match.start()):
                continue
            spans.append(Span(cursor, match.start()))
            cursor = match.end()
        if cursor < paragraph.end:
            spans.append(Span(cursor, paragraph.end))
    return [s for s in spans if text[s.start:s.end].strip()]


def _paragraph_spans(text: str, start: int, end: int) -> Iterable[Span]:
    cursor = start
    for match in PARAGRAPH_BREAK.finditer(text, start, end):
        yield Span(cursor, match.start())
        cursor = match.end()
    yield Span(cursor, end)


def _is_abbreviation(text: str, sentence_start: int, dot_end: int) -> bool:
    words = text[sentence_start:dot_end].split()
    if not words:
        return False
    last = words[-1].rstrip(".!?\"'”»)]").lower()
    return last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())


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
