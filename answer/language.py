"""The language of a question (Swedish or English), so an answer's own words can follow it.

Questions are short, which is where langdetect is weakest, so this counts function words instead, and
lower-case words with å/ä/ö as Swedish ones (a capitalised name such as "Jämtland" says nothing about
the language of the question). Swedish is the default."""
from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+")
SWEDISH_LETTERS = re.compile(r"[åäö]")
SWEDISH = frozenset("""
vad hur varför vilka vilken vilket när var vem finns är och att det de den om i på för med till av som
inte ska kan bör säger gör har sig man hos mellan eller detta dessa
""".split())
ENGLISH = frozenset("""
what how why which when where who is are the a an and of in on for with to about does do did should can
say says said they their them this that these those there has have between or
""".split())
LANGUAGES = ("sv", "en")


def question_language(question: str) -> str:
    """'sv' or 'en'."""
    words = WORD.findall(question)
    english = sum(w.lower() in ENGLISH for w in words)
    swedish = sum(w.lower() in SWEDISH or (w.islower() and bool(SWEDISH_LETTERS.search(w))) for w in words)
    return "en" if english > swedish else "sv"
