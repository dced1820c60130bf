"""What the tests share besides fixtures: where ../shared is, and small real files made in the test
(PDFs with page labels, scanned pages). Imported as `helpers` (tests/ is on pytest's path)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from settings import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
SHARED_CORPUS = SHARED / "corpus"


def requires_shared_corpus():
    return pytest.mark.skipif(not SHARED_CORPUS.is_dir(),
                              reason=f"{SHARED_CORPUS} finns inte (en ny klon har ingen ../shared)")


def make_pdf(path: Path, pages: list[str], labels: list[tuple[int, str, int]] | None = None,
             title: str | None = None, author: str | None = None) -> Path:
    """Write a real text PDF, one string per page; `labels` = (first page index, style, start) ranges."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    raw = bytes(pdf.output())
    if labels:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
        bounds = [first for first, _, _ in labels] + [len(pages)]
        for (first, style, start), end in zip(labels, bounds[1:]):
            writer.set_page_label(first, end - 1, style=style, start=start)
        buffer = io.BytesIO()
        writer.write(buffer)
        raw = buffer.getvalue()
    path.write_bytes(raw)
    return path


SWEDISH_PAGES = [
    "Förord. Denna rapport handlar om hur myndigheter förvaltar sina gamla it-system. "
    "Den riktar sig till beslutsfattare i staten.",
    "Sammanfattning. Många myndigheter har föråldrade it-system som är dyra att underhålla. "
    "Systemen försvårar digitaliseringen och medför risker för informationssäkerheten.",
    "Förslag. Myndigheterna bör inventera sina system och ta fram planer för att ersätta dem. "
    "Regeringen bör följa upp arbetet varje år.",
]


def make_scanned_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF whose pages are only pictures of text (as from a scanner): no text layer at all."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    font_path = next((p for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                  "/usr/share/fonts/dejavu/DejaVuSans.ttf") if Path(p).is_file()), None)
    font = ImageFont.truetype(font_path, 44) if font_path else ImageFont.load_default(size=44)
    pdf = FPDF()
    for number, text in enumerate(pages):
        image = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi
        draw = ImageDraw.Draw(image)
        words, line, y = text.split(), "", 200
        for word in words:
            if draw.textlength(f"{line} {word}", font=font) > 2080:
                draw.text((200, y), line, fill=0, font=font)
                line, y = word, y + 70
            else:
                line = f"{line} {word}".strip()
        draw.text((200, y), line, fill=0, font=font)
        picture = path.with_name(f".{path.stem}-{number}.png")
        image.save(picture)
        pdf.add_page()
        pdf.image(str(picture), x=0, y=0, w=210, h=297)
        picture.unlink()
    path.write_bytes(bytes(pdf.output()))
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server, seconds: float = 90) -> None:
    """Poll `url` until it answers 200; fail with the server's output if it dies or takes too long."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                raise RuntimeError(f"servern startade inte: {server.stdout.read().decode()[-2000:]}") from None
            time.sleep(0.5)
