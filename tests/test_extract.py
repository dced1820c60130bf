import pytest

from helpers import SWEDISH_PAGES, make_pdf
from ingest.extraction import ExtractionError
from ingest.formats import extract


def test_pdf_pages_and_printed_labels(tmp_path):
    path = make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES, labels=[(0, "/r", 1), (1, "/D", 1)],
                    title="Gamla system", author="Statskontoret")
    extraction = extract(path)
    assert [(p.number, p.label) for p in extraction.pages] == [(1, "i"), (2, "1"), (3, "2")]
    assert "föråldrade it-system" in extraction.pages[1].text
    assert extraction.metadata.title == "Gamla system"
    assert extraction.metadata.authority == "Statskontoret"
    assert extraction.page_count == 3


def test_pdf_without_labels_has_none(tmp_path):
    extraction = extract(make_pdf(tmp_path / "a.pdf", SWEDISH_PAGES[:1]))
    assert [(p.number, p.label) for p in extraction.pages] == [(1, None)]


def test_markdown_front_matter_and_heading(tmp_path):
    path = tmp_path / "sida.md"
    path.write_text("---\ntitle: Från front matter\nauthor: Regeringen\ndate: 2020-02-11\n---\n"
                    "# Rubriken\n\nText med en [länk](https://example.org) och **fet** stil.\n", encoding="utf-8")
    extraction = extract(path)
    assert extraction.metadata.title == "Från front matter"
    assert extraction.metadata.authority == "Regeringen"
    assert extraction.metadata.published == "2020-02-11"
    assert "Text med en länk och fet stil." in extraction.text
    assert "](" not in extraction.text


def test_markdown_title_from_first_heading(tmp_path):
    path = tmp_path / "sida.md"
    path.write_text("# Riksrevisionens rapport\n\nBrödtext.\n", encoding="utf-8")
    assert extract(path).metadata.title == "Riksrevisionens rapport"


def test_html_drops_scripts_and_keeps_text(tmp_path):
    path = tmp_path / "sida.html"
    path.write_text("<html><head><title>Titeln</title><script>alert('x')</script></head><body>"
                    "<h1>Rubrik</h1><p>Första stycket.</p><style>p{}</style><p>Andra &amp; sista.</p>"
                    "</body></html>", encoding="utf-8")
    extraction = extract(path)
    assert extraction.metadata.title == "Titeln"
    assert "alert" not in extraction.text and "p{}" not in extraction.text
    assert extraction.text == "Rubrik\n\nFörsta stycket.\n\nAndra & sista."


def test_docx_paragraphs_and_properties(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "Ett Word-dokument"
    document.add_paragraph("Myndigheten för digital förvaltning följer upp digitaliseringen.")
    document.save(tmp_path / "a.docx")
    extraction = extract(tmp_path / "a.docx")
    assert extraction.metadata.title == "Ett Word-dokument"
    assert "digital förvaltning" in extraction.text


def test_windows_1252_swedish_is_decoded(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Räksmörgås på Åland".encode("cp1252"))
    assert extract(path).text == "Räksmörgås på Åland"


@pytest.mark.parametrize("name, content, reason", [
    ("tom.txt", b"", "tom"),
    ("fel.pdf", b"hej hopp, ingen pdf", "ingen PDF"),
    ("bild.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "binär"),
    ("trasig.pdf", b"%PDF-1.7\n1 0 obj <<>> trasig", "PDF"),
    ("fil.xyz", b"data", "stöds inte"),
])
def test_bad_files_give_a_clear_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=reason):
        extract(path)


def test_identifiers_and_series_are_recognised():
    from ingest.metadata import identifier_in

    found = lambda text: (identifier_in(text).identifier, identifier_in(text).series)  # noqa: E731
    assert found("SOU_2017_114 Digitaliseringens styrning SOU 2017:114") == ("SOU 2017:114", "SOU")
    assert found("Regeringens skrivelse Skr. 2019/20:82") == ("Skr. 2019/20:82", "skrivelse")
    assert found("Ds 2019:1 Promemoria") == ("Ds 2019:1", "Ds")
    assert found("Rapport 2021. Dnr: 2.4-1234/2020") == ("Dnr 2.4-1234/2020", None)
    assert found("Ingen beteckning 2019") == (None, None)
