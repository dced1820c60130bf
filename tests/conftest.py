"""Shared fixtures: isolated state per test, generated PDFs, the shared corpus where it exists."""
from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from settings import PROJECT_ROOT, Settings

SHARED = PROJECT_ROOT.parent / "shared"
SHARED_CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """Every test gets its own data folder; KALLA_* from the developer's shell never leak in."""
    import os

    for name in list(os.environ):
        if name.startswith("KALLA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KALLA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KALLA_USER", "testare")


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Plumbing settings: the deterministic hashing embedder, small passages."""
    return replace(Settings.from_env(), model="hashing", chunk_chars=400)


@pytest.fixture
def hashing_env(monkeypatch):
    monkeypatch.setenv("KALLA_MODEL", "hashing")
    monkeypatch.setenv("KALLA_CHUNK_CHARS", "400")


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
