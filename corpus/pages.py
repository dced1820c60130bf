"""Render one page of a stored PDF as a PNG, for showing a cited page inside the app."""
from __future__ import annotations

import io
from pathlib import Path


def render_pdf_page(path: Path, page_number: int, scale: float = 1.5) -> bytes:
    """PNG bytes of physical page `page_number` (1-based)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        if not 1 <= page_number <= len(pdf):
            raise ValueError(f"sidan {page_number} finns inte (PDF:en har {len(pdf)} sidor)")
        bitmap = pdf[page_number - 1].render(scale=scale)
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        pdf.close()
