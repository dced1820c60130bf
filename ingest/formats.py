"""Which extractor reads which file, decided by extension and checked against the file's first bytes."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ingest.extraction import Extraction, ExtractionError
from ingest.htmlpage import extract_html
from ingest.pdf import extract_pdf
from ingest.plaintext import extract_markdown, extract_text_file
from ingest.word import extract_docx
from text.problems import said

EXTRACTORS: dict[str, Callable[[Path], Extraction]] = {
    ".pdf": extract_pdf,
    ".txt": extract_text_file,
    ".text": extract_text_file,
    ".md": extract_markdown,
    ".markdown": extract_markdown,
    ".html": extract_html,
    ".htm": extract_html,
    ".docx": extract_docx,
}
SUPPORTED = tuple(sorted(EXTRACTORS))
MAX_FILE_BYTES = 200 * 1024 * 1024


def is_supported(path: Path) -> bool:
    return Path(path).suffix.lower() in EXTRACTORS


def extract(path: Path) -> Extraction:
    """Extract text from a supported file, or raise ExtractionError with a one-line reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXTRACTORS:
        raise ExtractionError("file_type_unsupported", suffix=suffix or said("file_type_none"), supported=", ".join(SUPPORTED))
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError("file_empty")
    if size > MAX_FILE_BYTES:
        raise ExtractionError("file_too_large", size=size // 2**20, limit=MAX_FILE_BYTES // 2**20)
    _check_signature(path, suffix)
    return EXTRACTORS[suffix](path)


def _check_signature(path: Path, suffix: str) -> None:
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if suffix == ".pdf" and b"%PDF" not in head:
        raise ExtractionError("file_not_pdf")
    if suffix == ".docx" and not head.startswith(b"PK"):
        raise ExtractionError("file_not_docx")
    if suffix in (".pdf", ".docx"):
        return
    if head.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise ExtractionError("file_binary_named", suffix=suffix)
