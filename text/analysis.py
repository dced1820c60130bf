"""Swedish-aware text analysis for the keyword index: words, lower case, compounds split, Snowball stems.

    >>> SwedishAnalyzer().terms("It-systemen i informationssystem")
    ['itsystem', 'it', 'system', 'informationssystem', 'information', 'system']

A compound keeps its own stem and adds the stems of its parts, so "it-system", "itsystem" and
"informationssystem" all share the term "system" while an exact compound match still scores higher.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

from text.compounds import Decompounder

ANALYZER_VERSION = "sv-snowball-decompound-1"

WORD = re.compile(r"\w+(?:-\w+)*")
STOPWORDS = frozenset("""
och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke mig du henne
då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut när efter upp vi dem vara
vad över än dig kan sina här ha mot alla under någon eller allt mycket sedan ju denna själv detta åt utan
varit hur ingen mitt ni bli blev oss din dessa några deras blir mina samma vilken er sådan vår blivit dess
inom mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra ert era vilkas
ska också får finns måste bara sitt andra annat vilket
a an and are as at be by for from has have how in is it its of on or that the this to was what when where
which who why will with do does did
""".split()) - {"it"}  # "it" is Swedish for information technology far more often than English "it"


def words(text: str) -> list[str]:
    """Lower-case words; hyphenated words kept together ("it-system")."""
    return [match.group(0) for match in WORD.finditer(unicodedata.normalize("NFKC", text).casefold())]


class SwedishAnalyzer:
    version = ANALYZER_VERSION

    def __init__(self, decompounder: Decompounder | None = None) -> None:
        self._decompounder = decompounder or shared_decompounder()
        self._stemmer = Stemmer.Stemmer("swedish")
        self._word_terms = lru_cache(maxsize=500_000)(self._analyse_word)

    def terms(self, text: str) -> list[str]:
        terms: list[str] = []
        for word in words(text):
            terms.extend(self._word_terms(word))
        return terms

    def _analyse_word(self, word: str) -> tuple[str, ...]:
        pieces = [piece for piece in word.replace("_", "-").split("-") if piece]
        if not pieces:
            return ()
        joined = "".join(pieces)
        if len(pieces) == 1 and joined in STOPWORDS:
            return ()
        parts = pieces if len(pieces) > 1 else []
        for piece in pieces:
            split = self._decompounder.split(piece)
            if len(split) > 1:
                parts.extend(split)
        stems = [self._stemmer.stemWord(joined)]
        for part in parts:
            if part not in STOPWORDS:
                stems.append(self._stemmer.stemWord(part))
        return tuple(stems)


@lru_cache(maxsize=1)
def shared_decompounder() -> Decompounder:
    return Decompounder()


@lru_cache(maxsize=1)
def default_analyzer() -> SwedishAnalyzer:
    return SwedishAnalyzer()
