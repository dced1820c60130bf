"""Small text clean-ups shared by the extractors: decoding bytes, tidying whitespace."""
from __future__ import annotations

import re
import unicodedata

from ingest.extraction import ExtractionError

HYPHEN_BREAK = re.compile(r"(\w)-\n(?=[a-zåäö])")
SPACES = re.compile(r"[ \t\u00a0\u200b]+")
BLANK_LINES = re.compile(r"\n\s*\n+")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which covers Latin-1 Swedish (å ä ö). Binary data
    under a text name is refused rather than indexed as mojibake."""
    if b"\x00" in data[:8192]:
        raise ExtractionError("file_binary_nul")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[:8192]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if controls > max(2, len(sample) // 100):
        raise ExtractionError("file_binary_controls", controls=controls, sample=len(sample))
    return text


def tidy(text: str) -> str:
    """Normalise line ends and spaces, keep paragraph breaks (blank lines), drop control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch >= " ")
    text = HYPHEN_BREAK.sub(r"\1-", text)  # "it-\nsystem" -> "it-system"
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
