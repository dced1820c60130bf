"""Word documents (.docx) with python-docx: paragraphs and table cells in reading order."""
from __future__ import annotations

import zipfile
from pathlib import Path

from corpus.records import DocumentMetadata, Page
from ingest.extraction import Extraction, ExtractionError
from ingest.textnorm import tidy

MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def extract_docx(path: Path) -> Extraction:
    import docx

    _refuse_zip_bomb(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises assorted errors for broken packages
        raise ExtractionError("word_broken", error=f"{type(exc).__name__}: {exc}") from exc
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(cell.text for cell in row.cells))
    text = tidy("\n\n".join(paragraphs))
    if not text:
        raise ExtractionError("word_no_text")
    props = document.core_properties
    metadata = DocumentMetadata(
        title=(props.title or "").strip() or None, authority=(props.author or "").strip() or None,
        published=props.created.date().isoformat() if props.created else None)
    return Extraction(pages=[Page(None, None, text)], metadata=metadata, extractor="python-docx",
                      media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _refuse_zip_bomb(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ExtractionError("word_not_zip") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ExtractionError("word_zip_bomb", size=unpacked // 2**20)
