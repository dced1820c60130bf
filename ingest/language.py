"""Language detection with langdetect, seeded, and guarded against Swedish read as Norwegian/Danish."""
from __future__ import annotations

import re

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0
SCANDINAVIAN_NEIGHBOURS = {"no", "da", "nn", "nb"}
SWEDISH_LETTERS = re.compile(r"[äöÄÖ]")
DANO_NORWEGIAN_LETTERS = re.compile(r"[æøÆØ]")
SWEDISH_WORDS = re.compile(r"\b(och|att|för|inte|som|det|är|med|av|till|på|har|kommer|också|eller)\b",
                           re.IGNORECASE)
MIN_CHARS = 20
SAMPLE_CHARS = 5000


def detect_language(text: str, document_language: str | None = None) -> str | None:
    """ISO 639-1 code, or the document's language (else None) where the text is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return document_language
    try:
        candidates = detect_langs(sample)
    except LangDetectException:
        return document_language
    best = candidates[0].lang
    if best in SCANDINAVIAN_NEIGHBOURS and _looks_swedish(sample, document_language):
        return "sv"
    if document_language and best != document_language and candidates[0].prob < 0.8:
        return document_language
    return best


def _looks_swedish(text: str, document_language: str | None) -> bool:
    """ä/ö without æ/ø is Swedish; so is a short passage of a Swedish document with no æ/ø."""
    if DANO_NORWEGIAN_LETTERS.search(text):
        return False
    if SWEDISH_LETTERS.search(text):
        return True
    return document_language == "sv" or len(SWEDISH_WORDS.findall(text)) >= 2
