"""PDF text per physical page with pypdf, keeping printed page labels where the PDF defines them."""
from __future__ import annotations

import logging
from pathlib import Path

import pypdf
from pypdf.errors import PdfReadError

from corpus.records import DocumentMetadata, Page
from ingest.extraction import Extraction, ExtractionError
from ingest.ocr import MIN_TEXT_CHARS, has_image, ocr_available, ocr_pdf_page, why_no_ocr
from ingest.textnorm import tidy
from text.problems import said

logging.getLogger("pypdf").setLevel(logging.ERROR)


def extract_pdf(path: Path) -> Extraction:
    try:
        reader = pypdf.PdfReader(str(path))
        _unlock(reader)
        labels = _page_labels(reader)
        pages = [Page(number=i + 1, label=labels[i] if labels else None, text=tidy(_page_text(page)))
                 for i, page in enumerate(reader.pages)]
        scanned = [i for i, page in enumerate(reader.pages)
                   if len(pages[i].text) < MIN_TEXT_CHARS and has_image(page)]
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ExtractionError("pdf_broken", error=f"{type(exc).__name__}: {exc}") from exc
    if not pages:
        raise ExtractionError("pdf_no_pages")
    extractor, unread = f"pypdf {pypdf.__version__}", ()
    if scanned and ocr_available():
        pages = _with_ocr(path, pages, scanned)
        extractor += f" + tesseract ({len(scanned)} sidor OCR-lästa)"
    elif scanned:
        unread = tuple(i + 1 for i in scanned)
    if not any(page.text for page in pages):
        reason = why_no_ocr() if unread else said("pdf_no_text_even_ocr")
        raise ExtractionError("pdf_no_text_layer", pages=len(pages), reason=reason)
    return Extraction(pages=pages, metadata=_metadata(reader), extractor=extractor,
                      media_type="application/pdf", pages_needing_ocr=unread)


def _with_ocr(path: Path, pages: list[Page], scanned: list[int]) -> list[Page]:
    """The scanned pages replaced by what Tesseract reads on them (marked as OCR text)."""
    read = list(pages)
    for index in scanned:
        try:
            text = tidy(ocr_pdf_page(path, index))
        except Exception as exc:  # one unreadable page does not lose the others
            raise ExtractionError("pdf_ocr_failed", page=index + 1, error=str(exc)) from exc
        if text:
            read[index] = Page(pages[index].number, pages[index].label, text, ocr=True)
    return read


def _unlock(reader: pypdf.PdfReader) -> None:
    if not reader.is_encrypted:
        return
    try:
        unlocked = reader.decrypt("")
    except Exception as exc:  # pypdf raises several types for unsupported encryption
        raise ExtractionError("pdf_encrypted_unreadable", error=str(exc)) from exc
    if not unlocked:
        raise ExtractionError("pdf_password")


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
