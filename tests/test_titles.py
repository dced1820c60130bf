"""Titles from the document itself, series by the names people use, identifiers out of titles: on files made
in the test."""
import json

import pytest

from corpus.catalogue import Catalogue
from corpus.citation import provenance, series_name
from corpus.records import DocumentMetadata
from helpers import make_pdf
from ingest.formats import extract
from ingest.metadata import sidecar_metadata
from ingest.pipeline import Ingester
from ingest.preparation import document_metadata
from ingest.titles import looks_like_file_name, separated, title_in_text

REPORT_PAGE = ("Digitala tjänster i staten\n\n"
               "Denna rapport beskriver hur myndigheterna utvecklar sina digitala tjänster och vad som hindrar dem.")


def metadata_of(path, given=DocumentMetadata()):
    return document_metadata(path, extract(path), given)


def test_pdf_titled_by_its_word_file_takes_its_first_heading(tmp_path):
    path = make_pdf(tmp_path / "rapport_v3.pdf", [REPORT_PAGE, "Andra sidan."],
                    title="Microsoft Word - rapport_v3.docx")
    assert extract(path).metadata.title == "Microsoft Word - rapport_v3.docx"  # what the file says
    assert metadata_of(path).title == "Digitala tjänster i staten"


def test_pdf_heading_below_page_number_and_reference_lines(tmp_path):
    page = "1 (4)\nwww.myndigheten.se\nDnr 2024-123\nTillitsramverk\nför digitala tjänster\n2024-05-01\n\n" + REPORT_PAGE
    assert metadata_of(make_pdf(tmp_path / "tr.pdf", [page])).title == "Tillitsramverk för digitala tjänster"


def test_pdf_keeps_a_real_metadata_title(tmp_path):
    path = make_pdf(tmp_path / "a.pdf", [REPORT_PAGE], title="Myndigheternas digitala tjänster 2024")
    assert metadata_of(path).title == "Myndigheternas digitala tjänster 2024"


def test_pdf_starting_with_prose_falls_back_to_the_file_name(tmp_path):
    path = make_pdf(tmp_path / "utredning_2024.pdf", [REPORT_PAGE.split("\n\n")[1]])
    assert metadata_of(path).title == "utredning 2024"


def test_text_file_title_line(tmp_path):
    path = tmp_path / "gamla-system.txt"
    path.write_text("Gamla system hämmar digitalisering i offentlig sektor\n\n"
                    "Den offentliga sektorn sitter fast i gamla system.\n", encoding="utf-8")
    assert metadata_of(path).title == "Gamla system hämmar digitalisering i offentlig sektor"


def test_text_file_with_a_byline_and_no_title_keeps_its_name(tmp_path):
    path = tmp_path / "chefer.txt"
    path.write_text("Anna Andersson\nAnna Andersson\n\nDigitaliseringen av offentlig sektor är avgörande för "
                    "effektivisering och ökad kvalitet, och cheferna behöver bättre förutsättningar.\n",
                    encoding="utf-8")
    assert metadata_of(path).title == "chefer"


def test_markdown_heading_glued_to_its_identifier(tmp_path):
    path = tmp_path / "skr.md"
    path.write_text("# Riksrevisionens rapport om statliga strategiska digitaliseringsprojektSkr. 2025/26:33\n\n"
                    "I skrivelsen redovisar regeringen sin bedömning.\n", encoding="utf-8")
    meta = metadata_of(path)
    assert meta.title == "Riksrevisionens rapport om statliga strategiska digitaliseringsprojekt"
    assert meta.identifier == "Skr. 2025/26:33" and meta.series == "Skr."


def test_sidecar_slug_series_and_glued_title(tmp_path):
    folder = tmp_path / "regeringen"
    (folder / "docs").mkdir(parents=True)
    page = folder / "docs" / "sou-20266.md"
    page.write_text("# En nationell digital infrastruktur i hälso- och sjukvårdenStyrning med tydliga roller"
                    " och ansvar för aktörernaSOU 2026:6\n\nSamordnaren har bistått regeringen.\n", encoding="utf-8")
    entry = {"file": "docs/sou-20266.md", "doc_type": "statens-offentliga-utredningar", "identifier": " SOU 2026:6",
             "title": "En nationell digital infrastruktur i hälso- och sjukvårdenStyrning med tydliga roller och "
                      "ansvar för aktörernaSOU 2026:6"}
    (folder / "metadata.jsonl").write_text(json.dumps(entry, ensure_ascii=False) + "\n", encoding="utf-8")
    given = sidecar_metadata(page, folder)
    assert given.series == "SOU" and given.identifier == "SOU 2026:6"
    meta = metadata_of(page, given)
    assert meta.title == ("En nationell digital infrastruktur i hälso- och sjukvården: "
                          "Styrning med tydliga roller och ansvar för aktörerna")
    assert meta.identifier == "SOU 2026:6" and meta.series == "SOU"


def test_ingest_records_titles_and_series_as_shown(settings, tmp_path):
    folder = tmp_path / "bibliotek"
    folder.mkdir()
    make_pdf(folder / "rapport_v3.pdf", [REPORT_PAGE], title="Microsoft Word - rapport_v3.docx")
    (folder / "uppdrag.md").write_text("# Uppdrag om digital infrastruktur\n\nMyndigheten ska redovisa.\n",
                                       encoding="utf-8")
    (folder / "metadata.jsonl").write_text(json.dumps({"file": "uppdrag.md", "type": "regeringsuppdrag"}) + "\n",
                                           encoding="utf-8")
    assert not Ingester(settings).add([folder]).failed
    documents = {d.file_name: d for d in Catalogue(settings.catalogue_path).documents()}
    assert documents["rapport_v3.pdf"].metadata.title == "Digitala tjänster i staten"
    assert documents["uppdrag.md"].metadata.series == "Regeringsuppdrag"
    assert provenance(documents["uppdrag.md"]) == ["Typ: Regeringsuppdrag"]


@pytest.mark.parametrize("title, file_like", [
    ("Microsoft Word - rapport_v3.docx", True), ("SKV 707-2, 070119 rättad.indd", True), ("rapport.pdf", True),
    ("rapport_v3_slutlig", True), ("Dokument1", True), ("utredning 2024", True),
    ("Tillitsramverk för Svensk e-legitimation", False), ("E-legitimation", False), ("Personnummer", False),
])
def test_file_names_are_told_from_titles(title, file_like):
    assert looks_like_file_name(title, stem="utredning_2024") is file_like


@pytest.mark.parametrize("title, identifier, expected", [
    ("Säker it-driftSOU 2021:97", None, ("Säker it-drift", "SOU 2021:97")),
    ("Delegation för e-förvaltningDir. 2009:19", "Dir. 2009:19", ("Delegation för e-förvaltning", "Dir. 2009:19")),
    ("Promemoria om register, Ds 2022:3", None, ("Promemoria om register", "Ds 2022:3")),
    ("Budgetpropositionen – Prop. 2019/20:1", None, ("Budgetpropositionen", "Prop. 2019/20:1")),
    ("Remissvar på SOU 2021:97", None, ("Remissvar på SOU 2021:97", None)),  # names another document
    ("Säker och kostnadseffektiv it-drift", "SOU 2021:97", ("Säker och kostnadseffektiv it-drift", "SOU 2021:97")),
])
def test_identifier_taken_out_of_the_title(title, identifier, expected):
    assert separated(title, identifier) == expected


def test_series_by_name():
    names = {slug: series_name(slug) for slug in ("statens-offentliga-utredningar", "kommittedirektiv", "skrivelse",
                                                 "departementsserien-och-promemorior", "pressmeddelanden", "SOU",
                                                 "myndighetsrapport")}
    assert names == {"statens-offentliga-utredningar": "SOU", "kommittedirektiv": "Dir.", "skrivelse": "Skr.",
                     "departementsserien-och-promemorior": "Ds", "pressmeddelanden": "Pressmeddelande",
                     "SOU": "SOU", "myndighetsrapport": "myndighetsrapport"}


def test_running_prose_is_not_a_title():
    assert title_in_text("Förord. Denna rapport handlar om hur myndigheter förvaltar sina gamla it-system. Den\n"
                         "riktar sig till beslutsfattare i staten.") is None
    assert title_in_text("1(2)\n\nMötesanteckningar referensgrupp beständiga\nidentifierare, möte 1\n"
                         "Digitalt möte 13 juni 2023\nDeltagare") == \
        "Mötesanteckningar referensgrupp beständiga identifierare, möte 1"
