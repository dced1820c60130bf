"""The question's language against each passage's: how much the keyword side may count for a passage.

BM25 matches words, and an English question shares few words with a Swedish passage (names and numbers
at most), so where the question's language differs from a passage's, the fusion gives that passage's
keyword score the weight `cross_language_keyword_weight` instead of `keyword_weight` (tuned on English
SQuAD questions over the Swedish SQuAD-sv paragraphs, docs/evaluation.md). A passage whose language is
unknown counts as being in the question's language, as before. An English question's keyword query also
holds the Swedish terms its words translate to (text/translation.py), weighed by `english_lexicon_weight`.

Questions are short, where langdetect is weakest, so the question's language is told by function words
(lower-case words with å/ä/ö count as Swedish); Swedish is the default. The same rule decides the
language of the assistant's own words (answer/language.py).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np

from text.analysis import default_analyzer
from text.translation import Lexicon, default_lexicon, english_terms

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


def question_language(question: str) -> str:
    """'sv' or 'en': English where the question has more English function words than Swedish words."""
    words = WORD.findall(question)
    english = sum(w.lower() in ENGLISH for w in words)
    swedish = sum(w.lower() in SWEDISH or (w.islower() and bool(SWEDISH_LETTERS.search(w))) for w in words)
    return "en" if english > swedish else "sv"


def keyword_query(question: str, lexicon_weight: float, lexicon: Lexicon | None = None,
                  language: str | None = None) -> dict[str, float]:
    """The keyword side's query: the question's own terms (each counted as often as it occurs) and, for an
    English question, the Swedish terms its words translate to (text/translation.py), each weighed
    `lexicon_weight` times its translation probability (0: no translation). `language`: the question's, where
    the caller has told it already."""
    query: dict[str, float] = dict(Counter(default_analyzer().terms(question)))
    if lexicon_weight > 0 and (language or question_language(question)) == "en":
        translated = (lexicon or default_lexicon()).translate(english_terms(question))
        for term, probability in translated.items():
            query[term] = query.get(term, 0.0) + lexicon_weight * probability
    return query


def keyword_weights(language: str, passage_languages: Sequence[str | None], same: float,
                    across: float) -> np.ndarray:
    """The keyword weight of each passage for a question in `language`: `across` where the passage's
    language is known and another, `same` otherwise."""
    return np.asarray([across if other and other != language else same for other in passage_languages],
                      dtype=np.float64)
