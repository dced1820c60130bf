"""Hostile and broken files, generated here: each gets a clear one-line reason, is recorded as failed,
and the rest of the batch goes on; the library stays consistent (real SQLite, FAISS, files)."""
from __future__ import annotations

import io
import random
import zipfile
import zlib
from pathlib import Path

import pypdf
import pytest

from corpus.catalogue import Catalogue
from desk.integrity import check
from helpers import SWEDISH_PAGES, make_pdf, make_scanned_pdf
from ingest.formats import extract
from ingest.ocr import ocr_available, tesseract_languages
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT

TABLE = PROJECT_ROOT / "test-artifacts" / "bad-inputs.md"
needs_tesseract = pytest.mark.skipif(not ocr_available(), reason="Tesseract med svenska saknas "
                                     "(make setup installerar tesseract-ocr och tesseract-ocr-swe som root)")


def encrypted(source: Path, path: Path, user_password: str, algorithm: str = "AES-256") -> Path:
    writer = pypdf.PdfWriter(clone_from=source)
    writer.encrypt(user_password=user_password, owner_password="ägarlösen", algorithm=algorithm)
    writer.write(path)
    return path


def slow_pdf(path: Path, operators: int = 200_000) -> Path:
    """A small, valid PDF whose one page holds hundreds of thousands of text operators: text extraction
    takes many seconds (the stand-in for a PDF that makes an extractor hang)."""
    stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td " + b"(a) Tj 0 0 Td " * operators + b"ET", 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


def docx_with(path: Path, document_xml: bytes) -> Path:
    """A real Word package (made by python-docx) whose main part is replaced by `document_xml`."""
    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = document_xml if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item.filename, data)
    return path


def bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a word the reason must contain)."""
    folder.mkdir(parents=True, exist_ok=True)
    good_pdf = make_pdf(folder / ".källa.pdf", SWEDISH_PAGES)
    random.seed(7)
    noise = bytes(random.randrange(1, 256) for _ in range(20_000))
    huge = folder / "enorm.pdf"
    with open(huge, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(2**30)  # 1 GB, sparse: costs no disk
    nested = b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>" + \
        b"<w:p>" * 100_000 + b"</w:p>" * 100_000 + b"</w:body></w:document>"
    return {
        "trasig PDF (brus efter huvudet)": ((folder / "trasig.pdf"), "PDF", b"%PDF-1.7\n" + noise),
        "avhuggen PDF (60 %)": ((folder / "avhuggen.pdf"), "PDF", good_pdf.read_bytes()[:int(good_pdf.stat().st_size * .6)]),
        "krypterad PDF med lösenord": (encrypted(good_pdf, folder / "krypterad.pdf", "hemligt"), "lösenord", None),
        "tom fil (0 byte)": ((folder / "tom.txt"), "tom", b""),
        "1 GB stor fil": (huge, "för stor", None),
        "fel ändelse: text som .pdf": ((folder / "text.pdf"), "ingen PDF", b"Bara text."),
        "fel ändelse: PDF som .txt": ((folder / "pdf.txt"), "binär", good_pdf.read_bytes()),
        "okänd ändelse (.exe)": ((folder / "program.exe"), "stöds inte", b"MZ\x90\x00"),
        "binärdata som .txt": ((folder / "brus.txt"), "binär", noise),
        "binärdata med NUL som .md": ((folder / "nul.md"), "binär", b"# Rubrik\n\x00\x01\x02" * 50),
        "zip-bomb som .docx": (docx_with(folder / "bomb.docx", b"<a>" + b" " * (300 * 2**20) + b"</a>"), "zip-bomb", None),
        "djupt nästlad .docx (100 000 nivåer)": (docx_with(folder / "nastlad.docx", nested), "Word", None),
        "Word som inte är zip": ((folder / "falsk.docx"), "Word", b"PK\x03\x04 men sedan inget"),
        "PDF vars utvinning inte tar slut": (slow_pdf(folder / "evig.pdf"), "avbröts", None),
    }


def materialise(cases: dict) -> dict[str, tuple[Path, str]]:
    out = {}
    for name, (path, reason, content) in cases.items():
        if content is not None:
            path.write_bytes(content)
        out[name] = (path, reason)
    return out


def test_each_bad_file_fails_alone_with_a_one_line_reason_and_the_batch_goes_on(settings, tmp_path):
    from dataclasses import replace

    cases = materialise(bad_files(tmp_path / "in"))
    (tmp_path / "in" / "bra.txt").write_text("Myndigheterna förvaltar gamla it-system.", encoding="utf-8")
    (tmp_path / "in" / "latin1.txt").write_bytes("Räksmörgås på Åland och i Växjö.".encode("cp1252"))
    (tmp_path / "in" / "sida.html").write_text("<html><body><p>Ren text.</p><script>alert(1)</script></body></html>",
                                               encoding="utf-8")
    settings = replace(settings, extract_timeout=3.0)
    paths = [path for path, _ in cases.values()] + [tmp_path / "in" / n for n in ("bra.txt", "latin1.txt", "sida.html")]
    report = Ingester(settings).add(paths)

    outcomes = {Path(o.path).name: o for o in report.outcomes}
    rows = []
    for name, (path, reason) in cases.items():
        outcome = outcomes[path.name]
        assert outcome.outcome == "failed", (name, outcome)
        assert reason.lower() in outcome.message.lower(), (name, outcome.message)
        assert "\n" not in outcome.message and len(outcome.message) < 300, (name, outcome.message)
        rows.append(f"| {name} | `{path.name}` | {outcome.message} |")
    assert [outcomes[n].outcome for n in ("bra.txt", "latin1.txt", "sida.html")] == ["added"] * 3

    catalogue = Catalogue(settings.catalogue_path)
    texts = {d.file_name: " ".join(p.text for p in catalogue.document_passages(d.id)) for d in catalogue.documents()}
    assert texts["latin1.txt"] == "Räksmörgås på Åland och i Växjö."
    assert "alert" not in texts["sida.html"]
    assert len(catalogue.failures()) == len(cases)
    assert check(settings).clean
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text("| indata | fil | vad Källa säger |\n|---|---|---|\n" + "\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_encrypted_with_an_empty_password_is_read(tmp_path, algorithm):
    source = make_pdf(tmp_path / "a.pdf", SWEDISH_PAGES)
    extraction = extract(encrypted(source, tmp_path / "b.pdf", "", algorithm))
    assert "gamla it-system" in extraction.text and len(extraction.pages) == 3


def test_extraction_past_the_memory_limit_fails_cleanly(settings, tmp_path):
    from dataclasses import replace

    big = tmp_path / "stor.txt"
    big.write_text(("Räksmörgås och lingon i Växjö. " * 40 + "\n\n") * 25_000, encoding="utf-8")  # ~30 MB
    (tmp_path / "liten.txt").write_text("Kommunerna digitaliserar sina tjänster.", encoding="utf-8")
    report = Ingester(replace(settings, extract_memory_mb=150)).add([big, tmp_path / "liten.txt"])
    assert [o.outcome for o in report.outcomes] == ["failed", "added"]
    assert "minne" in report.outcomes[0].message


@needs_tesseract
def test_scanned_pages_are_read_by_ocr_and_marked_in_the_citation(settings, tmp_path):
    from corpus.citation import citation_line

    scanned = make_scanned_pdf(tmp_path / "skannad.pdf", SWEDISH_PAGES[:2])
    report = Ingester(settings).add([scanned])
    assert report.outcomes[0].outcome == "added", report.outcomes[0].message
    catalogue = Catalogue(settings.catalogue_path)
    document = catalogue.documents()[0]
    passages = catalogue.document_passages(document.id)
    assert all(p.ocr for p in passages) and [p.page_number for p in passages] == [1, 2]
    assert "föråldrade it-system" in passages[1].text
    assert "tesseract" in document.extractor
    assert citation_line(document, passages[1]).endswith("s. 2, OCR-läst")


def test_without_tesseract_scanned_pages_are_listed_as_needing_ocr(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # the worker finds no tesseract
    tesseract_languages.cache_clear()
    try:
        mixed = tmp_path / "blandad.pdf"
        text_pages = make_pdf(tmp_path / "text.pdf", SWEDISH_PAGES[:1])
        scan = make_scanned_pdf(tmp_path / "skan.pdf", SWEDISH_PAGES[1:2])
        writer = pypdf.PdfWriter()
        writer.append(str(text_pages))
        writer.append(str(scan))
        writer.write(mixed)
        report = Ingester(settings).add([mixed, make_scanned_pdf(tmp_path / "bara-skan.pdf", SWEDISH_PAGES[:1])])
    finally:
        tesseract_languages.cache_clear()
    partly, wholly = report.outcomes
    assert partly.outcome == "added" and "sidorna 2 är skannade och behöver OCR: Tesseract saknas" in partly.message
    assert wholly.outcome == "failed" and "behöver OCR: Tesseract saknas" in wholly.message
    document = Catalogue(settings.catalogue_path).documents()[0]
    assert document.pages_needing_ocr == (2,)
