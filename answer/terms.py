"""Content words of a question, compared by a crude Swedish stem (a shared prefix), for overlap and highlighting."""
from __future__ import annotations

import re

WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:-[0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*")
STOPWORDS = set("""
och att det som en ett är av för på med till den har de inte om var ska kan så vad när hur varför vilka vilken
vilket där eller men från vid också andra efter under mot bara sin sina sitt man hade blev blir finns denna detta
dessa dem deras hans hennes alla mycket mer mest måste skulle sig oss vi ni jag du han hon vara varit får fått
the and for are was were what why how which who with from this that these those have has does did about into
""".split())
STEM_LENGTH = 5


def stem(word: str) -> str:
    return word.lower()[:STEM_LENGTH]


def content_words(text: str) -> list[str]:
    words = []
    for match in WORD.finditer(text):
        for part in match.group(0).split("-"):
            if len(part) >= 3 and part.lower() not in STOPWORDS:
                words.append(part)
    return words


def stems(text: str) -> set[str]:
    return {stem(word) for word in content_words(text)}
