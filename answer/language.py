"""The language of a question (Swedish or English), so an answer's own words can follow it.

Questions are short, which is where langdetect is weakest, so this counts function words instead:
Swedish letters or more Swedish than English function words mean Swedish, and Swedish is the default."""
from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+")
SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
SWEDISH = frozenset("""
vad hur varför vilka vilken vilket när var vem finns är och att det de den om i på för med till av som
inte ska kan bör säger gör har sig man hos mellan eller detta dessa
""".split())
ENGLISH = frozenset("""
what how why which when where who is are the a an and of in on for with to about does do did should can
say says said they their them it this that these those there has have between or
""".split())
LANGUAGES = ("sv", "en")


def question_language(question: str) -> str:
    """'sv' or 'en'."""
    if SWEDISH_LETTERS.search(question):
        return "sv"
    words = [w.lower() for w in WORD.findall(question)]
    english = sum(w in ENGLISH for w in words)
    swedish = sum(w in SWEDISH for w in words)
    return "en" if english > swedish else "sv"
