"""Two texts side by side with their differences marked (a possible duplicate or new edition in the review
queue): words only in the older text struck through on the left, words only in the newer underlined on the
right. Both texts are escaped; marks are not colour alone (struck through, underlined)."""
from __future__ import annotations

import difflib
import re

from answer.highlight import escape_text

MAX_WORDS = 1500  # per side: enough to judge a duplicate, small enough for the page


def side_by_side(older: str, newer: str) -> tuple[str, str, float]:
    """(older as HTML, newer as HTML, share of words in common)."""
    old_words, new_words = _words(older), _words(newer)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    left, right = [], []
    for operation, a0, a1, b0, b1 in matcher.get_opcodes():
        old_part, new_part = escape_text(" ".join(old_words[a0:a1])), escape_text(" ".join(new_words[b0:b1]))
        if operation == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if a1 > a0:
            left.append(f'<del class="kalla-removed">{old_part}</del>')
        if b1 > b0:
            right.append(f'<ins class="kalla-added">{new_part}</ins>')
    return " ".join(left), " ".join(right), matcher.ratio()


def document_text(passages) -> str:
    """A document's text from its passages, each stretch once: neighbouring passages share a sentence
    (the chunking overlap), which is left out the second time by the passages' page offsets."""
    parts, page, covered = [], None, 0
    for passage in sorted(passages, key=lambda p: p.ordinal):
        if passage.page_number != page:
            page, covered = passage.page_number, 0
        skip = max(0, covered - passage.char_start)
        parts.append(passage.text[skip:])
        covered = max(covered, passage.char_end)
    return "\n".join(part for part in parts if part.strip())


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)[:MAX_WORDS]
