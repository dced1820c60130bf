"""Titles that read well: from the document's own text where its metadata has none or only a file name
("Microsoft Word - rapport_v3.docx"), and without an identifier glued to their end."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from corpus.citation import series_name
from corpus.records import DocumentMetadata
from ingest.extraction import Extraction
from ingest.metadata import identifier_in

# What an office program or a file system puts where a title should be
OFFICE_PREFIX = re.compile(r"^(?:microsoft\s+)?(?:word|powerpoint|excel)\s+-\s+", re.IGNORECASE)
FILE_EXTENSION = re.compile(r"\.(?:docx?|odt|rtf|pdf|pptx?|odp|xlsx?|ods|indd|qxp|pages|txt|md|html?|tex)$",
                            re.IGNORECASE)
DEFAULT_NAME = re.compile(r"^(?:untitled|namnlös|dokument|document|presentation|title|titel)\s*\d*$", re.IGNORECASE)
# Lines at the top of a page that are not its title: page numbers, dates, web addresses, reference lines
NOT_A_TITLE = (
    re.compile(r"^[\d\s()\[\]\-–./:,]*$"),  # 1(2), 1 (11), 2020-01-17
    re.compile(r"^(?:sida|page|s\.)\s*\d+(?:\s*(?:av|of|/)\s*\d+)?$", re.IGNORECASE),
    re.compile(r"^(?:\d+\s+)?(?:https?://\S+|www\.\S+|[\w.-]+\.(?:se|nu|com|org|net|eu)|\S+@\S+)(?:\s+\d+)?$",
               re.IGNORECASE),
    re.compile(r"^(?:ref\.?\s*nr|dnr|diarienr|diarienummer|ärendenr|ärendenummer|beteckning|version|datum|"
               r"uppdaterad|reviderad|copyright|©)\b", re.IGNORECASE),
    re.compile(r"\b(?:utgåva|upplaga|version|ver\.|rev\.)\s*\d", re.IGNORECASE),  # SKV 707 utgåva 2
)
WORD = re.compile(r"[a-zåäöéü]{3}")  # a line without one is a logo or a code: ENTRYSCAPE, ELN-0600
LINES_LOOKED_AT = 20
HEADING_LINES = 3
TITLE_CHARS = 160
TITLE_WORDS = 20
# An identifier at the end of a title, glued to it ("…projektSkr. 2025/26:33") or after a comma or dash
TRAILING_IDENTIFIER = re.compile(
    r"^(?P<title>.*?)(?P<gap>[\s,–—|·-]*)(?P<identifier>(?:SOU|Ds|DS|Skr\.?|SKR\.?|Prop\.?|Dir\.?|RiR)"
    r"\s?\d{4}(?:/\d{2})?:\d+)\s*$")
# A subtitle glued to its title: "…i hälso- och sjukvårdenStyrning med tydliga roller…"
GLUED_SUBTITLE = re.compile(r"(?<=[a-zåäö]{4})(?=[A-ZÅÄÖ][a-zåäö]{3,}\s)")


def readable(metadata: DocumentMetadata, path: Path, extraction: Extraction) -> DocumentMetadata:
    """The metadata with a title from the text where it had none or a file name, the identifier taken out
    of the title's end and the series under the name people use."""
    title = metadata.title
    if not title or looks_like_file_name(title, path.stem):
        own = extraction.metadata.title
        first_page = extraction.pages[0].text if extraction.pages else ""
        title = ((own if own and not looks_like_file_name(own, path.stem) else None)
                 or title_in_text(first_page) or (title and without_file_marks(title)))
    title, identifier = separated(title, metadata.identifier)
    series = metadata.series or (identifier_in(identifier).series if identifier else None)
    return dataclasses.replace(metadata, title=title, identifier=identifier, series=series_name(series))


def looks_like_file_name(title: str, stem: str = "") -> bool:
    """'Microsoft Word - rapport_v3.docx', 'rapport.pdf', 'Dokument1', the file's own name, 'rapport_v3'."""
    text = title.strip()
    plain = lambda value: re.sub(r"[\s_\-]+", " ", value).strip().casefold()  # noqa: E731
    return bool(OFFICE_PREFIX.search(text) or FILE_EXTENSION.search(text) or DEFAULT_NAME.match(text)
                or (stem and plain(text) == plain(stem))
                or (" " not in text and ("_" in text or text.count("-") >= 2)))


def without_file_marks(title: str) -> str | None:
    """'Final uppd Tillitsramverk' from 'Microsoft Word - Final uppd Tillitsramverk.docx'; None when what is
    left is not words (a bare file name)."""
    text = FILE_EXTENSION.sub("", OFFICE_PREFIX.sub("", title.strip())).replace("_", " ").strip()
    return text if " " in text and not DEFAULT_NAME.match(text) else None


def title_in_text(text: str) -> str | None:
    """The first heading-like line at the top of a page or text file, with the lines it wraps onto; None
    when the text starts with running prose (a first line that reads as a sentence)."""
    lines = [line.strip() for line in text.splitlines()[:LINES_LOOKED_AT]]
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line or _not_a_title(line):
            index += 1
            continue
        following = next((i for i in range(index + 1, len(lines)) if lines[i]), None)
        if following is not None and lines[following] == line:  # a byline or a line printed twice
            index = following + 1
            continue
        heading = _heading_from(lines, index)
        return heading if _reads_as_title(heading) else None
    return None


def separated(title: str | None, identifier: str | None) -> tuple[str | None, str | None]:
    """(title, identifier) with an identifier at the title's end moved out of it: always when glued or
    after a comma or dash (the identifier field keeps its value when it has one), never when only a space
    separates them ("Remissvar på SOU 2021:97" names another document)."""
    if not title:
        return title, identifier
    title = _subtitle_separated(title)
    match = TRAILING_IDENTIFIER.match(title)
    if not match or len(match.group("title").strip()) < 3 or match.group("gap").isspace():
        return title, identifier
    found = identifier_in(match.group("identifier")).identifier
    return match.group("title").strip(), identifier or found


def _subtitle_separated(title: str) -> str:
    glued = list(GLUED_SUBTITLE.finditer(title))
    if len(glued) != 1:
        return title
    head, tail = title[:glued[0].start()], title[glued[0].start():]
    if len(head.split()) < 3 or len(tail.split()) < 3:
        return title
    return f"{head}: {tail}"


def _not_a_title(line: str) -> bool:
    return any(pattern.search(line) for pattern in NOT_A_TITLE) or not WORD.search(line)


def _heading_from(lines: list[str], start: int) -> str:
    """The line at `start` and the lines it wraps onto: a line starting in lower case, or a second line that
    ends the heading before a gap, a date or a reference line ('En introduktion till E-legitimationsnämndens'
    / 'Tekniska ramverk' / '2018-06-19') and still reads as a title with it."""
    parts = [lines[start]]
    for index in range(start + 1, min(start + HEADING_LINES, len(lines))):
        line = lines[index]
        if not line or _not_a_title(line):
            break
        last = index + 1 == len(lines) or not lines[index + 1] or _not_a_title(lines[index + 1])
        ends_heading = last and index == start + 1 and _reads_as_title(f"{parts[0]} {line}")
        if not (line[0].islower() or ends_heading):
            break
        parts.append(line)
        if last:
            break
    return " ".join(parts)


def _reads_as_title(text: str) -> bool:
    return (len(text) <= TITLE_CHARS and len(text.split()) <= TITLE_WORDS and not text[0].islower()
            and text[-1] not in ".,;:")
