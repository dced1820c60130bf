"""Small text clean-ups shared by the extractors: decoding bytes, tidying whitespace."""
from __future__ import annotations

import re

from ingest.extraction import ExtractionError

HYPHEN_BREAK = re.compile(r"(\w)-\n(?=[a-zåäö])")
SPACES = re.compile(r"[ \t\u00a0\u200b]+")
BLANK_LINES = re.compile(r"\n\s*\n+")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which covers Latin-1 Swedish (å ä ö)."""
    if b"\x00" in data[:8192]:
        raise ExtractionError("filen ser binär ut (innehåller NUL-tecken), inte text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def tidy(text: str) -> str:
    """Normalise line ends and spaces, keep paragraph breaks (blank lines), drop control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch >= " ")
    text = HYPHEN_BREAK.sub(r"\1-", text)  # "it-\nsystem" -> "it-system"
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
