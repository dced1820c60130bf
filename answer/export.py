"""An answer with its references, for pasting into a memo: Markdown or PDF.

Document text is quoted as text: in Markdown, HTML and Markdown punctuation that could turn into markup
are escaped; in the PDF everything is drawn as plain text."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from answer.result import Answer
from corpus.citation import citation_line, provenance
from index.search import Hit
from text.messages import message

HEADINGS = {"question": "export_question", "answer": "short_answer", "sources": "sources", "related": "related",
            "made": "export_made", "searched": "export_searched", "passage": "export_passage",
            "web": "web_source"}  # message ids of the export's headings and labels
FONT_CANDIDATES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                   Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"))
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~$])")


def markdown_text(text: str) -> str:
    """Plain text that Markdown renders as itself: &, <, > as entities, Markdown punctuation backslashed."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def references(answer: Answer) -> list[Hit]:
    return answer.cited_hits if answer.sentences else answer.hits


def headings(language: str) -> dict[str, str]:
    return {name: message(key, language) for name, key in HEADINGS.items()}


def to_markdown(answer: Answer, when: datetime | None = None) -> str:
    words = headings(answer.language)
    when = when or datetime.now()
    lines = [f"# {words['question']}: {markdown_text(answer.question)}", "",
             f"*{words['made']} {when:%Y-%m-%d %H:%M}*", ""]
    if answer.search_query:
        lines += [f"*{words['searched']}: {markdown_text(answer.search_query)}*", ""]
    lines += [f"## {words['answer']}", ""]
    if answer.notice:
        lines += [markdown_text(answer.notice_text), ""]
    if answer.short_answer_line:
        lines += [f"**{markdown_text(answer.short_answer_line)}**", ""]
    if answer.sentences:
        lines += [" ".join(f"{markdown_text(s.text)} \\[{s.source}\\]" for s in answer.sentences), ""]
    lines += [f"> {markdown_text(note)}" for note in answer.note_texts] + ([""] if answer.notes else [])
    hits = references(answer)
    if hits:
        lines += [f"## {words['sources'] if answer.sentences else words['related']}", ""]
        for hit in hits:
            lines.append(f"\\[{hit.rank}\\] {markdown_text(citation_line(hit.document, hit.passage, answer.language))}")
            details = provenance(hit.document, answer.language)
            if details:
                lines.append(markdown_text(" · ".join(details)))
            if hit.document.metadata.source_url:
                lines.append(f"{words['web']}: <{hit.document.metadata.source_url}>")
            lines += ["", f"> {markdown_text(hit.passage.text)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_pdf(answer: Answer, when: datetime | None = None) -> bytes:
    from fpdf import FPDF

    words = headings(answer.language)
    when = when or datetime.now()
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    font, plain = _font(pdf)
    pdf.set_title(f"{words['question']}: {answer.question[:80]}")
    pdf.set_creator("Källa")
    pdf.add_page()

    def paragraph(text: str, size: float = 11, style: str = "", gap: float = 3) -> None:
        pdf.set_font(font, style if font != "DejaVu" or not style else "", size)
        pdf.multi_cell(0, size * 0.5, plain(text))
        pdf.ln(gap)

    paragraph(f"{words['question']}: {answer.question}", 15, "B")
    paragraph(f"{words['made']} {when:%Y-%m-%d %H:%M}", 9)
    if answer.search_query:
        paragraph(f"{words['searched']}: {answer.search_query}", 9)
    paragraph(words["answer"], 13, "B", 1)
    if answer.notice:
        paragraph(answer.notice_text)
    if answer.short_answer_line:
        paragraph(answer.short_answer_line, style="B")
    if answer.sentences:
        paragraph(" ".join(f"{s.text} [{s.source}]" for s in answer.sentences))
    for note in answer.note_texts:
        paragraph(note, 10)
    hits = references(answer)
    if hits:
        paragraph(words["sources"] if answer.sentences else words["related"], 13, "B", 1)
        for hit in hits:
            paragraph(f"[{hit.rank}] {citation_line(hit.document, hit.passage, answer.language)}", 10, "B", 1)
            details = provenance(hit.document, answer.language)
            if details:
                paragraph(" · ".join(details), 9, gap=1)
            if hit.document.metadata.source_url:
                paragraph(f"{words['web']}: {hit.document.metadata.source_url}", 9, gap=1)
            paragraph(f"{words['passage']}: “{' '.join(hit.passage.text.split())}”", 9, gap=4)
    return bytes(pdf.output())


def _font(pdf) -> tuple[str, callable]:
    """DejaVu Sans (all of Unicode we need) where the system has it, else Helvetica with Latin-1 text."""
    for path in FONT_CANDIDATES:
        if path.is_file():
            pdf.add_font("DejaVu", "", str(path))
            return "DejaVu", lambda text: text
    replacements = str.maketrans({"”": '"', "“": '"', "’": "'", "–": "-", "—": "-", "…": "...", "•": "-"})
    return "helvetica", lambda text: text.translate(replacements).encode("latin-1", "replace").decode("latin-1")
