"""Document text made safe for display, with the question's words marked.

Every character of document text is escaped (HTML, and Markdown punctuation as numeric entities), so
nothing a document contains is ever rendered as markup; only our own <mark> tags are added."""
from __future__ import annotations

import re

from text.analysis import default_analyzer

WORD = re.compile(r"\w+(?:-\w+)*")

SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,åäöÅÄÖéÉüÜ")


def escape_text(text: str) -> str:
    """Escape everything but letters, digits, spaces and commas as numeric character references."""
    return "".join(ch if ch in SAFE else ("<br>" if ch == "\n" else f"&#{ord(ch)};") for ch in text)


def highlight(text: str, question: str) -> str:
    """Escaped `text` with the words that share an analysed term with the question wrapped in <mark>."""
    analyzer = default_analyzer()
    wanted = set(analyzer.terms(question))
    out, cursor = [], 0
    for match in WORD.finditer(text):
        out.append(escape_text(text[cursor:match.start()]))
        word = match.group(0)
        if wanted.intersection(analyzer.terms(word)):
            out.append(f"<mark>{escape_text(word)}</mark>")
        else:
            out.append(escape_text(word))
        cursor = match.end()
    out.append(escape_text(text[cursor:]))
    return "".join(out)


MARKDOWN_PUNCTUATION = set("\\`*_[]<>|~#!()")
WORD_JOINER = "\u2060"  # invisible; breaks Streamlit's :icon:, :color[...]: and $math$ syntax apart


def escape_label(text: str) -> str:
    """Text made inert for widget labels, captions and messages (which render Markdown, no HTML): Markdown
    punctuation backslash-escaped, and a word joiner after each colon and dollar sign, so that Streamlit's
    own extensions (:material/icon:, :red[...], $$...$$) cannot start either."""
    flat = " ".join(text.split())
    out = []
    for ch in flat:
        if ch in MARKDOWN_PUNCTUATION:
            out.append("\\" + ch)
        elif ch in ":$":
            out.append(ch + WORD_JOINER)
        else:
            out.append(ch)
    return "".join(out)
