"""Sentences: spans of a text on paragraph and sentence boundaries, Swedish abbreviations respected."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

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
    """Sentence spans of text[start:end]; each paragraph ends a sentence. A whole text is split once: the
    passages of one answer are read by the evidence, the reader's quoting and the composer alike."""
    if start == 0 and end is None:
        return list(_whole_text_spans(text))
    return _spans(text, start, len(text) if end is None else end)


@lru_cache(maxsize=512)
def _whole_text_spans(text: str) -> tuple[Span, ...]:
    return tuple(_spans(text, 0, len(text)))


def _spans(text: str, start: int, end: int) -> list[Span]:
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
