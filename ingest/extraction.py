"""The shape every format extractor returns, and the error it raises."""
from __future__ import annotations

from dataclasses import dataclass, field

from corpus.records import DocumentMetadata, Page
from text.problems import Problem


class ExtractionError(Problem):
    """A file that cannot be turned into text: a message id and its values (one line for the user)."""


@dataclass(frozen=True)
class Extraction:
    pages: list[Page]
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)
    extractor: str = ""
    media_type: str = "text/plain"
    pages_needing_ocr: tuple[int, ...] = ()  # scanned pages left unread (no OCR engine): 1-based numbers

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)

    @property
    def page_count(self) -> int | None:
        return len(self.pages) if self.pages and self.pages[0].number is not None else None
