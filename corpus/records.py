"""Typed records that carry provenance from the file on disk to the citation on screen."""
from __future__ import annotations

from dataclasses import dataclass, field

from text.problems import Phrase, joined, phrases_as_stored, said


@dataclass(frozen=True)
class DocumentMetadata:
    """What a librarian would fill in; guessed from the file where nobody did."""

    title: str | None = None
    authority: str | None = None  # issuing authority or author
    series: str | None = None  # SOU, Ds, skrivelse, report, opinion, ...
    published: str | None = None  # ISO date or year
    identifier: str | None = None  # e.g. "SOU 2017:114", "Skr. 2019/20:82"
    source_url: str | None = None
    edition: str | None = None  # "2", "andra upplagan", "rev. 2021-03"
    licence: str | None = None  # licence or reuse note, e.g. "CC BY 4.0", "Offentlig handling (2 kap. TF)"
    tags: tuple[str, ...] = ()

    def merged_over(self, fallback: DocumentMetadata) -> DocumentMetadata:
        """These values where set, the fallback's elsewhere (tags are united)."""
        values = {name: getattr(self, name) or getattr(fallback, name) for name in METADATA_FIELDS}
        tags = tuple(dict.fromkeys((*fallback.tags, *self.tags)))
        return DocumentMetadata(**values, tags=tags)

    @property
    def year(self) -> str | None:
        return self.published[:4] if self.published and self.published[:4].isdigit() else None


METADATA_FIELDS = ("title", "authority", "series", "published", "identifier", "source_url", "edition", "licence")
STATUSES = ("active", "pending", "withdrawn", "superseded")


@dataclass(frozen=True)
class Page:
    """One physical page of a source (non-paginated formats have a single page with number None)."""

    number: int | None  # 1-based physical page in the PDF
    label: str | None  # printed page label, where the PDF defines labels
    text: str
    ocr: bool = False  # the text was read from the page image by OCR


@dataclass(frozen=True)
class PassageDraft:
    """A passage before it has an id: text plus where it sits in the source."""

    ordinal: int
    text: str
    page_number: int | None
    page_label: str | None
    char_start: int  # offsets into the page's text
    char_end: int
    language: str | None = None
    ocr: bool = False


@dataclass(frozen=True)
class Document:
    id: int
    content_hash: str
    source_path: str
    stored_path: str
    file_name: str
    media_type: str
    size_bytes: int
    metadata: DocumentMetadata
    language: str | None
    page_count: int | None
    extractor: str
    status: str  # active | pending | withdrawn | superseded (see STATUSES)
    added_at: str
    updated_at: str
    added_by: str | None = None
    replaces: int | None = None  # the earlier edition this document replaced
    status_note: str | None = None  # why it was withdrawn or rejected
    collections: tuple[str, ...] = ()
    pages_needing_ocr: tuple[int, ...] = ()  # scanned pages that could not be read (no OCR engine)


@dataclass(frozen=True)
class Passage:
    id: int
    document_id: int
    ordinal: int
    text: str
    page_number: int | None
    page_label: str | None
    char_start: int
    char_end: int
    language: str | None
    ocr: bool = False


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one file in an ingest run."""

    path: str
    outcome: str  # added | updated | unchanged | duplicate | skipped | failed
    notes: tuple[Phrase, ...] = ()  # what to tell about it, put into words in the reader's language
    document_id: int | None = None
    passages: int = 0
    needs_review: bool = False  # waits for approval, or resembles another document

    def text(self, language: str = "sv") -> str:
        return joined(self.notes, language)

    @property
    def message(self) -> str:
        """The notes in Swedish: what the command line shows."""
        return self.text("sv")


@dataclass(frozen=True)
class IngestEvent:
    """One file's outcome in an ingest run, as the catalogue keeps it: its notes as message ids and values, put
    into the reader's language by `text`; an event recorded before those were kept has its Swedish text as
    it was written (`written`) instead. `stored_notes`: the notes as the catalogue stores them (JSON), shown plainly
    where they can no longer be put into words (a message id since removed from text/messages.json)."""

    id: int
    run_id: int
    path: str
    content_hash: str | None
    outcome: str
    document_id: int | None
    at: str
    notes: tuple[Phrase, ...] = ()
    written: str = ""  # an old event's text, shown as it is
    user: str | None = None  # who ran the ingest (in a document's history)
    stored_notes: str | None = None

    def text(self, language: str = "sv") -> str:
        """The notes in `language`; where they cannot be put into words any more, the old text as written, or
        else each note's message id and values as stored. Never raises."""
        if self.notes:
            try:
                return joined(self.notes, language)
            except (KeyError, IndexError, ValueError):  # a value's id or a placeholder gone from messages.json
                pass
        return self.written or (phrases_as_stored(self.stored_notes) if self.stored_notes else "")


@dataclass
class IngestReport:
    outcomes: list[IngestOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def passages_added(self) -> int:
        return sum(o.passages for o in self.outcomes if o.outcome in ("added", "updated"))

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    def summary(self, language: str = "sv") -> str:
        counts = joined((said("ingest_count_" + name, count=self.count(name)) for name in (
            "added", "updated", "unchanged", "duplicate", "skipped", "failed")
            if name != "skipped" or self.count(name)), language, ", ")
        return said("ingest_summary", files=len(self.outcomes), counts=counts, passages=self.passages_added,
                    seconds=self.seconds).text(language)
