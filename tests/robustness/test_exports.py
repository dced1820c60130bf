"""Regressions: exports are safe in a spreadsheet and a browser, and export -> import changes nothing.
(Findings 6-8 of the hostile-input review: CSV formula injection, the manifest's dialect sniffed from the
header, javascript: links through source_url, impossible dates.)"""
from __future__ import annotations

import csv
import io

import pytest

from corpus.catalogue import Catalogue
from corpus.webaddress import is_web_address
from desk.curation import CurationError, Curator
from desk.exchange import apply_import, export_catalogue, plan_import, read_manifest
from ingest.pipeline import Ingester

TEXT = "Rapporten beskriver hur myndigheterna förvaltar äldre it-system och vad det kostar att ersätta dem."


def one_document(settings, tmp_path) -> int:
    path = tmp_path / "rapport.txt"
    path.write_text(TEXT, encoding="utf-8")
    return Ingester(settings).add([path]).outcomes[0].document_id


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil.example/","klicka")', "+1+2", "-2+3", "@SUM(A1)"])
def test_csv_export_neutralises_formulas_and_reimport_restores_them(settings, tmp_path, title):
    document = one_document(settings, tmp_path)
    Curator(settings, "admin").edit(document, {"title": title})
    with Catalogue(settings.catalogue_path) as catalogue:
        exported = export_catalogue(catalogue.documents(), "csv")
        cell = next(csv.DictReader(io.StringIO(exported)))["title"]
        assert cell == "'" + title  # a spreadsheet shows it as text
        manifest = tmp_path / "manifest.csv"
        manifest.write_text(exported, encoding="utf-8")
        rows = read_manifest(manifest, catalogue)
        assert rows[0].values["title"] == title and not plan_import(rows, catalogue).planned


@pytest.mark.parametrize("title", ['Rapport "A" del 2', 'Rapport "A", del 2', "Rapport; del 3"])
def test_export_then_import_is_a_round_trip(settings, tmp_path, title):
    document = one_document(settings, tmp_path)
    Curator(settings, "admin").edit(document, {"title": title, "authority": "Riksrevisionen"})
    with Catalogue(settings.catalogue_path) as catalogue:
        manifest = tmp_path / "manifest.csv"
        manifest.write_text(export_catalogue(catalogue.documents(), "csv"), encoding="utf-8")
        report = plan_import(read_manifest(manifest, catalogue), catalogue)
        assert not report.planned and not report.problems, report
    assert Catalogue(settings.catalogue_path).document(document).metadata.title == title


def test_a_manifest_row_with_an_extra_cell_is_reported_not_a_traceback(settings, tmp_path):
    document = one_document(settings, tmp_path)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f'id,title\n{document},"Ny titel, med komma"\n{document},"x","överflödig"\n', encoding="utf-8")
    with Catalogue(settings.catalogue_path) as catalogue:
        report = plan_import(read_manifest(manifest, catalogue), catalogue)
    assert report.problems == ["rad 3: raden har fler fält än rubrikraden"]
    apply_import(report, Curator(settings, "admin"))
    assert Catalogue(settings.catalogue_path).document(document).metadata.title == "Ny titel, med komma"


@pytest.mark.parametrize("url", ["https://example.se/a>[x](javascript:alert(1))", "javascript:alert(1)",
                                 "https://exa mple.se", 'https://example.se/"onmouseover="x', "http://",
                                 "https://example.se/<script>", "data:text/html,hi", "https://example.se/`x`"])
def test_unsafe_web_addresses_are_refused(settings, tmp_path, url):
    document = one_document(settings, tmp_path)
    assert not is_web_address(url)
    with pytest.raises(CurationError, match="http"):
        Curator(settings, "admin").edit(document, {"source_url": url})


def test_safe_web_addresses_are_kept(settings, tmp_path):
    document = one_document(settings, tmp_path)
    url = "https://www.regeringen.se/rattsliga-dokument/skrivelse/2020/02/skr.-20192082/?a=1&b=%C3%A5#s2"
    assert Curator(settings, "admin").edit(document, {"source_url": url}).metadata.source_url == url


@pytest.mark.parametrize("date", ["2020-13-45", "2021-02-30", "2020-00", "14 december"])
def test_impossible_dates_are_refused(settings, tmp_path, date):
    document = one_document(settings, tmp_path)
    with pytest.raises(CurationError, match="ÅÅÅÅ"):
        Curator(settings, "admin").edit(document, {"published": date})


@pytest.mark.parametrize("hostile", ["![b](http://host.example/x.png)", ":red[alarm]", "$$x^2$$", ":material/home:",
                                     "[länk](javascript:alert(1))", "<img src=x onerror=alert(1)>", "**fet** _kursiv_"])
def test_labels_and_captions_cannot_start_markdown_or_streamlit_extensions(hostile):
    """Finding 4: page labels, identifiers and status notes reach labels and captions through escape_label."""
    import re

    from answer.highlight import WORD_JOINER, escape_label

    escaped = escape_label(hostile)
    assert not re.search(r":material/\w+:|:[a-z]+\[|\$\$|(?<!\\)!(?<!\\)\[|(?<!\\)\[|(?<!\\)<|(?<!\\)\*", escaped)
    assert escaped.replace("\\", "").replace(WORD_JOINER, "") == hostile  # nothing is lost to the reader


def test_one_bad_metadata_line_spoils_no_other_file(settings, tmp_path):
    """Finding 9: a `file` with NUL, a number or a list, or a line that is not JSON, is skipped alone;
    an impossible `published` is left out."""
    import json

    folder = tmp_path / "mapp"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT + " En annan rapport om e-tjänster.", encoding="utf-8")
    lines = [{"file": "a\x00.txt", "title": "NUL"}, {"file": 17}, {"file": ["b.txt"]}, "inte json {",
             {"file": "a.txt", "title": "Rapport A", "published": "2020-13-45"},
             {"file": "b.txt", "title": "Rapport B", "published": "2021-03"}]
    (folder / "metadata.jsonl").write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines),
                                           encoding="utf-8")
    report = Ingester(settings).add([folder])
    assert not report.failed, [o.message for o in report.outcomes]
    with Catalogue(settings.catalogue_path) as catalogue:
        found = {d.file_name: d.metadata for d in catalogue.documents()}
    assert found["a.txt"].title == "Rapport A" and found["a.txt"].published is None
    assert found["b.txt"].title == "Rapport B" and found["b.txt"].published == "2021-03"


def test_tags_never_hold_the_export_separator(settings, tmp_path):
    """Finding 7: a tag with ';' would come back as two tags after export -> import."""
    document = one_document(settings, tmp_path)
    with pytest.raises(CurationError, match="semikolon"):
        Curator(settings, "admin").tag(document, add=("arv;system",))
    from ingest.metadata import metadata_from_mapping

    assert metadata_from_mapping({"tags": ["arv;system", "styrning"]}).tags == ("arv", "system", "styrning")
    assert metadata_from_mapping({"tags": "arv, system; styrning"}).tags == ("arv", "system", "styrning")



def test_a_metadata_file_above_the_named_folder_changes_nothing(settings, tmp_path):
    """Finding 9: the search for metadata.jsonl stops at the folder the user named."""
    import json

    shared = tmp_path / "delad"
    named = shared / "mina" / "rapporter"
    named.mkdir(parents=True)
    (named / "a.txt").write_text(TEXT, encoding="utf-8")
    (shared / "metadata.jsonl").write_text(json.dumps({"file": "mina/rapporter/a.txt", "title": "Kapad titel"}),
                                           encoding="utf-8")
    (named.parent / "metadata.jsonl").write_text(json.dumps({"file": "rapporter/a.txt", "series": "SOU"}),
                                                 encoding="utf-8")
    Ingester(settings).add([named])
    with Catalogue(settings.catalogue_path) as catalogue:
        meta = catalogue.documents()[0].metadata
    assert meta.title == "a" and meta.series is None
    Ingester(settings).add([named.parent])  # named one level up: that folder's metadata.jsonl counts
    with Catalogue(settings.catalogue_path) as catalogue:
        document = catalogue.documents()[0]
    assert document.metadata.title == "a"  # a changed description of an unchanged file changes nothing


def test_a_hostile_pdf_page_label_reaches_the_toggle_escaped(hashing_env, tmp_path):
    """Finding 4 through the real app: a PDF page label `![b](http://…)` or `:material/…:` shown as text."""
    import io

    from pypdf import PdfReader, PdfWriter
    from streamlit.testing.v1 import AppTest

    from answer.highlight import WORD_JOINER
    from helpers import SWEDISH_PAGES, make_pdf
    from settings import PROJECT_ROOT, Settings

    plain = make_pdf(tmp_path / "plain.pdf", SWEDISH_PAGES)
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.set_page_label(0, len(SWEDISH_PAGES) - 1, style="/D", prefix="![b](http://host.example/x.png):material/home:")
    buffer = io.BytesIO()
    writer.write(buffer)
    (tmp_path / "rapport.pdf").write_bytes(buffer.getvalue())
    Ingester(Settings.from_env()).add([tmp_path / "rapport.pdf"])
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    app.run()
    app.chat_input[0].set_value("Varför är föråldrade it-system dyra att underhålla?").run()
    labels = [t.label for t in app.toggle if t.label.startswith("Visa sidan")]
    assert labels, [t.label for t in app.toggle]
    assert "![b](" not in labels[0] and ":material/home:" not in labels[0], labels[0]
    assert labels[0].replace("\\", "").replace(WORD_JOINER, "").startswith("Visa sidan ![b](http://host.example/x.png)")
