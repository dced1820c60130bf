"""OCR for PDF pages without a text layer: the page drawn with pypdfium2, read by Tesseract (Debian's
`tesseract-ocr` with `tesseract-ocr-swe`; `make setup` installs them where it can). Without Tesseract
the pages are listed as needing OCR instead of silently indexing nothing."""
from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

from text.problems import Phrase, said

LANGUAGES = "swe+eng"
DPI = 300
PAGE_SECONDS = 120
MIN_TEXT_CHARS = 20  # a page with less extracted text than this, and an image on it, is a scanned page


@functools.lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    """Languages the installed Tesseract can read (empty when Tesseract is absent)."""
    binary = shutil.which("tesseract")
    if binary is None:
        return frozenset()
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in listed.splitlines()[1:] if line.strip())


def ocr_available() -> bool:
    return "swe" in tesseract_languages()


def why_no_ocr() -> Phrase:
    return said("ocr_no_tesseract" if not tesseract_languages() else "ocr_no_swedish")


def ocr_pdf_page(path: Path, page_index: int) -> str:
    """The text Tesseract reads on one page (0-based), drawn at 300 dpi."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[page_index].render(scale=DPI / 72).to_pil()
    finally:
        document.close()
    with tempfile.TemporaryDirectory(prefix="kalla-ocr-") as folder:
        picture = Path(folder) / "page.png"
        image.save(picture)
        result = subprocess.run(["tesseract", str(picture), "stdout", "-l", LANGUAGES, "--psm", "3"],
                                capture_output=True, text=True, timeout=PAGE_SECONDS)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "tesseract misslyckades")
    return result.stdout


def has_image(page) -> bool:
    """Whether a pypdf page draws an image (a scanned page does; a blank one does not)."""
    try:
        resources = page.get("/Resources") or {}
        objects = resources.get_object().get("/XObject") or {}
        return any(objects[name].get_object().get("/Subtype") == "/Image" for name in objects.get_object())
    except Exception:
        return False
