"""HTML pages as text: scripts and styles dropped, block elements become paragraph breaks."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from corpus.records import DocumentMetadata, Page
from ingest.extraction import Extraction, ExtractionError
from ingest.textnorm import decode_text, tidy

SKIPPED = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object"}
BLOCKS = {"p", "div", "section", "article", "li", "ul", "ol", "br", "h1", "h2", "h3", "h4", "h5", "h6",
          "tr", "table", "blockquote", "pre", "header", "footer", "main", "nav", "dd", "dt", "hr"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title: list[str] = []
        self.h1: list[str] = []
        self._in: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            attributes = dict(attrs)
            key = (attributes.get("name") or attributes.get("property") or "").lower()
            if key and attributes.get("content"):
                self.meta[key] = attributes["content"]
        if tag in SKIPPED and tag != "head":
            self.skip_depth += 1
        if tag in ("title", "h1"):
            self._in.append(tag)
        if tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED and tag != "head" and self.skip_depth:
            self.skip_depth -= 1
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in and self._in[-1] == "title":
            self.title.append(data)
            return
        if self.skip_depth:
            return
        if self._in and self._in[-1] == "h1":
            self.h1.append(data)
        self.parts.append(data)


def extract_html(path: Path) -> Extraction:
    collector = _TextCollector()
    collector.feed(decode_text(Path(path).read_bytes()))
    collector.close()
    text = tidy("".join(collector.parts))
    if not text:
        raise ExtractionError("html_no_text")
    title = " ".join("".join(collector.title).split()) or " ".join("".join(collector.h1).split()) or None
    metadata = DocumentMetadata(title=title, authority=collector.meta.get("author"),
                                published=collector.meta.get("date") or collector.meta.get("dcterms.date"))
    return Extraction(pages=[Page(None, None, text)], metadata=metadata, extractor="html.parser",
                      media_type="text/html")
