"""English question words to Swedish keyword terms: a small bilingual lexicon learned from parallel text.

    >>> default_lexicon().translate(english_terms("Which river flows through the city?"))  # doctest: +SKIP
    {'flod': 0.52, 'stad': 0.61, ...}

English words are lower-cased, stripped of English function words and stemmed (Snowball English); each
stem maps to the Swedish terms it translates to, as the keyword index analyses them (text/analysis.py),
with a probability. The lexicon (`lexicon_en_sv.tsv`, one stem a line: the stem, then term:probability
pairs) is derived data, built by `python -m evaluation.lexicon` (docs/evaluation.md says from what).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import Stemmer

from text.analysis import words

LEXICON_FILE = Path(__file__).resolve().parent / "lexicon_en_sv.tsv"
ENGLISH_STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
now of off on once only or other our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yourself yourselves also
""".split())


def english_terms(text: str) -> list[str]:
    """The stems of the English words of `text`, function words left out (hyphenated words split)."""
    found = [piece for word in words(text) for piece in word.replace("_", "-").split("-") if piece]
    return _english_stemmer().stemWords([w for w in found if w not in ENGLISH_STOPWORDS and not w.isdigit()])


@lru_cache(maxsize=1)
def _english_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@dataclass(frozen=True)
class Lexicon:
    """English stem -> the Swedish terms it translates to, each with its probability (best first)."""

    translations: Mapping[str, tuple[tuple[str, float], ...]]

    def translate(self, english: Iterable[str]) -> dict[str, float]:
        """Swedish term -> weight: the sum of the translation probabilities of the English stems that
        translate to it (a stem the lexicon does not know adds nothing)."""
        weights: dict[str, float] = defaultdict(float)
        for stem in english:
            for term, probability in self.translations.get(stem, ()):
                weights[term] += probability
        return dict(weights)

    def write(self, path: Path = LEXICON_FILE) -> None:
        lines = [stem + "\t" + " ".join(f"{term}:{p:.3g}" for term, p in pairs)
                 for stem, pairs in sorted(self.translations.items())]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path = LEXICON_FILE) -> Lexicon:
        translations = {}
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            stem, _, pairs = line.partition("\t")
            translations[stem] = tuple((term, float(p)) for term, _, p in
                                       (pair.rpartition(":") for pair in pairs.split()))
        return cls(translations)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon, read once (empty where it has not been built)."""
    return Lexicon.read() if LEXICON_FILE.is_file() else Lexicon({})
