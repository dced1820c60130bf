"""Show a cited passage where it stands: a stored PDF page drawn with the passage marked, or the text
around a passage of a Markdown/HTML/text/Word source."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from corpus.records import Passage
from text.problems import Problem

WINDOW_WORDS = 5
MARK_FILL = (255, 214, 0, 96)      # translucent yellow over the passage
MARK_EDGE = (160, 60, 0, 255)      # and a dark bar in the margin, so the mark does not rely on colour alone
WORD = re.compile(r"\S+")


class PageMissing(Problem, ValueError):
    """A page number the PDF does not have."""


@dataclass(frozen=True)
class RenderedPage:
    png: bytes
    marked_windows: int   # how many stretches of the passage were found and marked on the page
    windows: int          # how many were looked for


def render_pdf_page(path: Path, page_number: int, scale: float = 1.5, mark: str | None = None) -> RenderedPage:
    """Physical page `page_number` (1-based) as PNG, with the text `mark` highlighted where it is found."""
    import pypdfium2
    from PIL import Image, ImageDraw

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        if not 1 <= page_number <= len(pdf):
            raise PageMissing("page_missing", page=page_number, pages=len(pdf))
        page = pdf[page_number - 1]
        image = page.render(scale=scale).to_pil().convert("RGBA")
        rects, found, windows = [], 0, 0
        if mark:
            rects, found, windows = _passage_rects(page, mark)
        if rects:
            height = page.get_height()
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            for left, bottom, right, top in rects:
                box = (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
                draw.rectangle(box, fill=MARK_FILL)
                draw.rectangle((6, box[1], 12, box[3]), fill=MARK_EDGE)  # in the page margin
            image = Image.alpha_composite(image, overlay)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG")
        return RenderedPage(buffer.getvalue(), found, windows)
    finally:
        pdf.close()


def _passage_rects(page, text: str) -> tuple[list[tuple[float, float, float, float]], int, int]:
    """Rectangles of the passage on the page, found a few words at a time (extraction may differ in
    spacing and hyphenation from the page's own text, so one long search would rarely match)."""
    words = WORD.findall(text)
    textpage = page.get_textpage()
    rects, found, windows = [], 0, 0
    try:
        for start in range(0, len(words), WINDOW_WORDS):
            window = " ".join(words[start:start + WINDOW_WORDS])
            if len(window) < 8:
                continue
            windows += 1
            searcher = textpage.search(window, match_case=False, match_whole_word=False)
            try:
                occurrence = searcher.get_next()
            finally:
                searcher.close()
            if occurrence is None:
                continue
            found += 1
            index, count = occurrence
            for i in range(textpage.count_rects(index, count)):
                rects.append(textpage.get_rect(i))
    finally:
        textpage.close()
    return rects, found, windows


@dataclass(frozen=True)
class PassageInContext:
    before: str
    passage: str
    after: str


def passage_in_context(passages: Sequence[Passage], passage_id: int, context_chars: int = 800) -> PassageInContext:
    """The passage with the text just before and after it on the same page, without the overlap that
    neighbouring passages share."""
    ordered = sorted(passages, key=lambda p: p.ordinal)
    position = next(i for i, p in enumerate(ordered) if p.id == passage_id)
    current = ordered[position]
    before = after = ""
    if position > 0 and ordered[position - 1].page_number == current.page_number:
        previous = ordered[position - 1]
        before = previous.text[: max(0, current.char_start - previous.char_start)]
    if position + 1 < len(ordered) and ordered[position + 1].page_number == current.page_number:
        following = ordered[position + 1]
        after = following.text[max(0, current.char_end - following.char_start):]
    return PassageInContext(_tail(before, context_chars), current.text, after[:context_chars])


def _tail(text: str, limit: int) -> str:
    return text if len(text) <= limit else "… " + text[-limit:].split(" ", 1)[-1]
