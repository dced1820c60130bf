"""Follow-up questions: a question that leans on the conversation is searched together with its topic.

"Vad säger de om kostnaderna?" after "Vilka problem ger gamla it-system i staten?" is searched as
"Vad säger de om kostnaderna? (gamla it-system staten problem)": the new question keeps its full weight
in composing the answer, the earlier topic only steers which passages are found.
"""
from __future__ import annotations

from dataclasses import dataclass

from answer.evidence import QUESTION_FRAME
from text.analysis import STOPWORDS, words

# Words that point back to something said before. "det"/"den"/"it"/"this" are too often dummies
# ("Vad kostar det att ...") to count on their own; they count in short questions only.
REFERRING = frozenset("de dem deras dessa denna där sådana dom they them their these those there".split())
WEAK_REFERRING = frozenset("det detta den då it this that".split())
OPENINGS = ("och ", "men ", "även ", "också ", "än ", "hur är det med", "vad gäller", "gäller det",
            "and ", "but ", "also ", "what about", "how about")
SHORT_QUESTION_TERMS = 3
MAX_CONTEXT_WORDS = 8


@dataclass(frozen=True)
class Turn:
    """One exchange as the search saw it: the question asked and the query it was searched as."""
    question: str
    search_query: str
    topic: tuple[str, ...]  # the topic words the next follow-up may borrow


def topic_words(text: str) -> tuple[str, ...]:
    """Content words in order of appearance, without duplicates, stopwords or question words."""
    seen: dict[str, None] = {}
    for word in words(text):
        if len(word) >= 2 and word not in STOPWORDS and word not in QUESTION_FRAME and not word.isdigit():
            seen.setdefault(word)
    return tuple(seen)


def is_follow_up(question: str, history: list[Turn]) -> bool:
    if not history:
        return False
    lowered = " ".join(words(question))
    question_words = set(lowered.split())
    if lowered.startswith(OPENINGS) or question_words & REFERRING:
        return True
    own = len(topic_words(question))
    return own <= 1 or (own <= SHORT_QUESTION_TERMS and bool(question_words & WEAK_REFERRING))


def next_turn(question: str, history: list[Turn]) -> Turn:
    """The turn for `question`: searched alone, or with the previous turn's topic when it is a follow-up."""
    own = topic_words(question)
    if not is_follow_up(question, history):
        return Turn(question, question, own)
    borrowed = tuple(w for w in history[-1].topic if w not in own)[:MAX_CONTEXT_WORDS]
    if not borrowed:
        return Turn(question, question, own)
    return Turn(question, f"{question} ({' '.join(borrowed)})", (own + borrowed)[:MAX_CONTEXT_WORDS * 2])


def turns_for(questions: list[str]) -> list[Turn]:
    """The turns of a conversation given only its earlier questions, in order (as an API client sends it)."""
    turns: list[Turn] = []
    for question in questions:
        turns.append(next_turn(question, turns))
    return turns
