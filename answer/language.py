"""The language of a question (Swedish or English), so an answer's own words can follow it: the one rule
the search also uses to weigh keywords across languages (index/language.py: function words, since questions
are short, which is where langdetect is weakest; Swedish is the default)."""
from __future__ import annotations

from index.language import question_language

LANGUAGES = ("sv", "en")

__all__ = ["LANGUAGES", "question_language"]
