"""PDF text per physical page with pypdf, keeping printed page labels where the PDF defines them."""
from __future__ import annotations

import logging
from pathlib import Path

import pypdf
from pypdf.errors import PdfReadError

from corpus.records import DocumentMetadata, Page
from ingest.extraction import Extraction, ExtractionError
from ingest.textnorm import tidy

logging.getLogger("pypdf").setLevel(logging.ERROR)


def extract_pdf(path: Path) -> Extraction:
    try:
        reader = pypdf.PdfReader(str(path))
        _unlock(reader)
        labels = _page_labels(reader)
        pages = [Page(number=i + 1, label=labels[i] if labels else None, text=tidy(_page_text(page)))
                 for i, page in enumerate(reader.pages)]
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ExtractionError(f"trasig eller ogiltig PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise ExtractionError("PDF:en har inga sidor")
    if not any(page.text for page in pages):
        raise ExtractionError(f"PDF:en saknar textlager på alla {len(pages)} sidor (skannad?) och behöver OCR")
    return Extraction(pages=pages, metadata=_metadata(reader), extractor=f"pypdf {pypdf.__version__}",
                      media_type="application/pdf")


def _unlock(reader: pypdf.PdfReader) -> None:
    if not reader.is_encrypted:
        return
    try:
        unlocked = reader.decrypt("")
    except Exception as exc:  # pypdf raises several types for unsupported encryption
        raise ExtractionError(f"krypterad PDF som inte kan öppnas ({exc})") from exc
    if not unlocked:
        raise ExtractionError("krypterad PDF: lösenord krävs")


def _page_text(page) -> str:
    return page.extract_text() or ""


def _page_labels(reader: pypdf.PdfReader) -> list[str] | None:
    """Printed labels, only where the PDF defines /PageLabels (pypdf otherwise invents '1', '2', ...)."""
    root = reader.trailer["/Root"]
    if "/PageLabels" not in root:
        return None
    try:
        return list(reader.page_labels)
    except Exception:  # a broken label tree loses labels, not the document
        return None


def _metadata(reader: pypdf.PdfReader) -> DocumentMetadata:
    info = reader.metadata
    if not info:
        return DocumentMetadata()
    published = None
    try:
        created = info.creation_date
        published = created.date().isoformat() if created else None
    except Exception:
        published = None
    return DocumentMetadata(title=_clean(info.title), authority=_clean(info.author), published=published)


def _clean(value) -> str | None:
    text = str(value).strip() if value else ""
    return text or None
