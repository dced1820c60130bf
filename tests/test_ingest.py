"""The ingest pipeline on real files, real SQLite and real FAISS, with the hashing embedder."""

import json

from click.testing import CliRunner

from corpus.catalogue import Catalogue
from corpus.db import connect
from corpus.migrations import MIGRATIONS
from corpus.records import DocumentMetadata
from helpers import SWEDISH_PAGES, make_pdf
from index.store import current_version, load_current
from ingest.cli import cli
from ingest.pipeline import Ingester
from text.problems import Term, joined, said


def write_folder(folder):
    folder.mkdir()
    make_pdf(folder / "rapport.pdf", SWEDISH_PAGES, labels=[(0, "/r", 1), (1, "/D", 1)])
    (folder / "artikel.md").write_text("# Gamla system\n\nOffentlig sektor sitter fast i gamla system.\n",
                                       encoding="utf-8")
    (folder / "anteckning.txt").write_text("Kommunerna digitaliserar sina tjänster.", encoding="utf-8")
    return folder


def test_migrations_are_numbered_and_recorded_once(tmp_path):
    db = connect(tmp_path / "c.sqlite")
    connect(tmp_path / "c.sqlite")  # second open applies nothing
    names = [row[0] for row in db.execute("SELECT name FROM _migrations")]
    assert names == [m.__name__ for m in MIGRATIONS] and names[0].startswith("m001_")


def test_adding_a_folder_catalogues_and_indexes_everything(settings, tmp_path):
    report = Ingester(settings).add([write_folder(tmp_path / "docs")])
    assert report.count("added") == 3 and not report.failed
    catalogue = Catalogue(settings.catalogue_path)
    assert catalogue.counts()["documents"] == 3
    published = load_current(settings.index_dir)
    assert published.manifest.model == "hashing"
    assert published.manifest.passages == published.index.ntotal == catalogue.counts()["passages"]
    assert set(published.ids()) == set(catalogue.indexable_passage_ids("hashing"))
    pdf = next(d for d in catalogue.documents() if d.file_name == "rapport.pdf")
    assert pdf.page_count == 3 and pdf.language == "sv"
    assert (settings.library_dir / pdf.stored_path).read_bytes() == (tmp_path / "docs/rapport.pdf").read_bytes()
    pages = [(p.page_number, p.page_label) for p in catalogue.document_passages(pdf.id)]
    assert pages == [(1, "i"), (2, "1"), (3, "2")]


def test_re_adding_unchanged_files_adds_nothing(settings, tmp_path):
    folder = write_folder(tmp_path / "docs")
    Ingester(settings).add([folder])
    version = current_version(settings.index_dir)
    counts = Catalogue(settings.catalogue_path).counts()

    report = Ingester(settings).add([folder])
    assert report.count("unchanged") == 3 and report.passages_added == 0
    assert Catalogue(settings.catalogue_path).counts() == counts
    assert current_version(settings.index_dir) == version  # no new index published


def test_a_changed_file_replaces_its_passages(settings, tmp_path):
    folder = write_folder(tmp_path / "docs")
    Ingester(settings).add([folder], DocumentMetadata(series="rapport"))
    note = folder / "anteckning.txt"
    note.write_text("Helt ny text om e-legitimation. Den ersätter den gamla.", encoding="utf-8")
    report = Ingester(settings).add([note])
    assert [o.outcome for o in report.outcomes] == ["updated"]
    catalogue = Catalogue(settings.catalogue_path)
    document = catalogue.find_current_by_source(str(note))
    texts = [p.text for p in catalogue.document_passages(document.id)]
    assert texts == ["Helt ny text om e-legitimation. Den ersätter den gamla."]
    assert document.metadata.series == "rapport"  # metadata kept
    published = load_current(settings.index_dir)
    assert set(published.ids()) == set(catalogue.indexable_passage_ids("hashing"))


def test_same_content_elsewhere_is_a_duplicate(settings, tmp_path):
    folder = write_folder(tmp_path / "docs")
    Ingester(settings).add([folder])
    copy = tmp_path / "kopia.txt"
    copy.write_bytes((folder / "anteckning.txt").read_bytes())
    outcome = Ingester(settings).add([copy]).outcomes[0]
    assert outcome.outcome == "duplicate" and "anteckning.txt" in outcome.message


def test_one_bad_file_fails_alone_and_is_recorded(settings, tmp_path):
    folder = write_folder(tmp_path / "docs")
    (folder / "trasig.pdf").write_bytes(b"%PDF-1.4 trasig")
    report = Ingester(settings).add([folder])
    assert report.count("added") == 3 and report.count("failed") == 1
    failures = Catalogue(settings.catalogue_path).failures()
    assert failures[0].path.endswith("trasig.pdf") and failures[0].text()
    assert failures[0].notes[0].key == "pdf_broken" and failures[0].text("en").startswith("broken or invalid PDF")


def test_an_ingest_event_is_kept_as_codes_and_read_in_the_readers_language(tmp_path):
    notes = (said("pdf_no_text_layer", pages=2, reason=said("ocr_no_tesseract")),
             said("file_type_unsupported", suffix=Term("file_type_none"), supported=".pdf"),
             said("ingest_resembles", id=4, share=0.875))
    with Catalogue(tmp_path / "c.sqlite") as catalogue:
        run = catalogue.start_run("bo", "add")
        catalogue.record_event(run, "/mapp/skannad.pdf", "abc", "failed", notes, document_id=None)
        (event,) = catalogue.failures()
    assert event.notes == notes and event.written == ""
    assert event.text("en") == ("the PDF has no text layer on any of its 2 pages (scanned?) and needs OCR: Tesseract "
                                "is missing (install tesseract-ocr and tesseract-ocr-swe); the file type (none) is not "
                                "supported (supported: .pdf); resembles document #4 (88%): see the review queue")
    assert event.text() == joined(notes, "sv") and "Tesseract saknas" in event.text()


def test_ingest_events_recorded_before_codes_keep_their_text_after_the_upgrade(tmp_path, monkeypatch):
    names = [m.__name__ for m in MIGRATIONS]
    monkeypatch.setattr("corpus.db.MIGRATIONS", MIGRATIONS[:names.index("m010_ingest_event_notes")])
    old = connect(tmp_path / "c.sqlite")  # a catalogue made at the version before
    old.execute("INSERT INTO ingest_runs (started_at, user) VALUES ('2026-01-01T10:00:00+00:00', 'bo')")
    old.execute("INSERT INTO ingest_events (run_id, path, outcome, message, document_id, at) VALUES "
                "(1, '/mapp/trasig.pdf', 'failed', 'trasig eller ogiltig PDF (fel)', NULL, '2026-01-01T10:00:01+00:00')")
    old.close()
    monkeypatch.undo()
    with Catalogue(tmp_path / "c.sqlite") as catalogue:
        catalogue.record_event(catalogue.start_run("bo", "add"), "/mapp/ny.pdf", None, "failed", (said("pdf_password"),))
        new, upgraded = catalogue.failures()
    assert upgraded.text("en") == upgraded.text() == "trasig eller ogiltig PDF (fel)" and upgraded.notes == ()
    assert new.text("en") == said("pdf_password").text("en") != new.text("sv")
    applied = [row[0] for row in connect(tmp_path / "c.sqlite").execute("SELECT name FROM _migrations")]
    assert applied == names


def test_an_ingest_event_whose_message_id_has_left_the_catalogue_is_shown_as_stored(tmp_path):
    """Reading never raises: the old text where there is one, else each note's id and values as stored."""
    with Catalogue(tmp_path / "c.sqlite") as catalogue:
        run = catalogue.start_run("bo", "add")
        for path in ("/mapp/borta.pdf", "/mapp/gammal.pdf", "/mapp/term.pdf", "/mapp/trasig.pdf"):
            catalogue.record_event(run, path, None, "failed", (said("pdf_password"),))
    gone = [{"key": "pdf_gone", "params": {"pages": 2, "reason": {"phrase": {"key": "ocr_no_tesseract", "params": {}}},
                                           "kind": {"term": "kind_gone"}, "either": {"any_of": ["a_gone", "b_gone"]}}}]
    db = connect(tmp_path / "c.sqlite")
    db.execute("UPDATE ingest_events SET notes = ? WHERE path LIKE '%borta.pdf'", (json.dumps(gone),))
    db.execute("UPDATE ingest_events SET notes = ?, message = 'gammal text' WHERE path LIKE '%gammal.pdf'",
               (json.dumps(gone),))
    term_gone = [{"key": "file_type_unsupported", "params": {"suffix": {"term": "kind_gone"}, "supported": ".pdf"}}]
    db.execute("UPDATE ingest_events SET notes = ? WHERE path LIKE '%term.pdf'", (json.dumps(term_gone),))
    db.execute("UPDATE ingest_events SET notes = 'inte json' WHERE path LIKE '%trasig.pdf'")
    db.close()
    with Catalogue(tmp_path / "c.sqlite") as catalogue:
        events = {event.path.rsplit("/", 1)[1]: event for event in catalogue.ingest_events()}
    plain = "pdf_gone (pages=2, reason=ocr_no_tesseract, kind=kind_gone, either=a_gone | b_gone)"
    assert events["borta.pdf"].notes == () and events["borta.pdf"].text() == events["borta.pdf"].text("en") == plain
    assert events["gammal.pdf"].text("en") == "gammal text"
    assert events["term.pdf"].notes and events["term.pdf"].text() == "file_type_unsupported (suffix=kind_gone, " \
                                                                     "supported=.pdf)"
    assert events["trasig.pdf"].text() == "inte json"


def test_metadata_from_command_line_and_sidecar(settings, tmp_path):
    folder = write_folder(tmp_path / "docs")
    (folder / "metadata.jsonl").write_text(
        '{"file": "artikel.md", "title": "Sidovagnens titel", "doc_type": "debattartikel", '
        '"identifier": "Skr. 2019/20:82", "published": "2020-02-11"}\n', encoding="utf-8")
    Ingester(settings).add([folder], DocumentMetadata(authority="Riksrevisionen", tags=("arv",)))
    catalogue = Catalogue(settings.catalogue_path)
    article = next(d for d in catalogue.documents() if d.file_name == "artikel.md")
    meta = article.metadata
    assert (meta.title, meta.series, meta.identifier, meta.year) == (
        "Sidovagnens titel", "debattartikel", "Skr. 2019/20:82", "2020")
    assert meta.authority == "Riksrevisionen" and meta.tags == ("arv",)


def test_cli_add_prints_summary_and_fails_on_bad_file(hashing_env, tmp_path):
    folder = write_folder(tmp_path / "docs")
    bad = tmp_path / "fel.pdf"
    bad.write_bytes(b"inte en pdf")
    result = CliRunner().invoke(cli, ["add", str(folder), str(bad)])
    assert result.exit_code == 1
    assert "FEL" in result.stderr and "ingen PDF" in result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("4 filer: 3 tillagda")
    again = CliRunner().invoke(cli, ["add", str(folder)])
    assert again.exit_code == 0 and "3 oförändrade" in again.stdout


def test_cli_help_has_an_example():
    result = CliRunner().invoke(cli, ["add", "--help"])
    assert result.exit_code == 0 and "Exempel" in result.output and "--identifier" in result.output
