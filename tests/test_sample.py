"""The sample library in samples/: what it holds and why it may be shipped, loading it on a library's first
start, withdrawing exactly it, the opening page that says it is a sample, and the real default model
answering from it (and declining what it does not answer) in every clone, ../shared or not."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import desk.sample
from app_session import log_in, start
from corpus.catalogue import Catalogue
from corpus.citation import citation_line
from desk.cli import cli
from desk.curation import Curator
from desk.sample import SAMPLE_DIR, SAMPLE_TAG, add_sample, never_used, sample_documents, sample_files
from embedding.prepare import prepare_e5_small
from ingest.pipeline import Ingester
from settings import DEFAULT_MODEL, Settings

KINDS = {"regeringsuppdrag": "regeringsuppdrag", "rattsliga-dokument/kommittedirektiv": "kommittédirektiv",
         "rattsliga-dokument/skrivelse": "skrivelse"}  # decisions and statements: no copyright (9 § URL)
ANSWERED = "När ska delegationen för e-förvaltning lämna sin slutrapport?"
ANSWER_SENTENCE = "En slutrapport ska lämnas senast den 31 december 2014."
NOT_ANSWERED = "Hur många invånare har Göteborg?"


def listing() -> list[dict]:
    return [json.loads(line) for line in (SAMPLE_DIR / "metadata.jsonl").read_text(encoding="utf-8").splitlines()]


def test_the_sample_is_small_described_and_only_government_decisions_and_statements():
    entries = listing()
    files = sample_files()
    assert 15 <= len(files) == len(entries) <= 25
    assert sum(f.path.stat().st_size for f in files) < 1_000_000
    assert (SAMPLE_DIR / "README.md").is_file() and "9 § upphovsrättslagen" in (SAMPLE_DIR / "README.md").read_text()
    for entry in entries:
        kind = next(k for k in KINDS if entry["file"].startswith(k + "/"))
        assert entry["series"] == KINDS[kind], entry
        assert entry["source_url"] == f"https://www.regeringen.se/{entry['file'][:-len('.md')]}/", entry
        assert entry["title"] and entry["identifier"] and entry["date"][:4] in entry["file"], entry
        assert "Diarienummer" not in entry["title"] and SAMPLE_TAG in entry["tags"]


def small_sample(tmp_path: Path, count: int = 3) -> Path:
    """A copy of the first few sample files, with their metadata.jsonl lines, in a folder named samples/."""
    folder = tmp_path / "kopia" / "samples"
    for entry in listing()[:count]:
        (folder / entry["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE_DIR / entry["file"], folder / entry["file"])
    (folder / "metadata.jsonl").write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in listing()[:count]),
                                           encoding="utf-8")
    return folder


@pytest.fixture
def sample_copy(tmp_path, monkeypatch, hashing_env) -> Path:
    folder = small_sample(tmp_path)
    monkeypatch.setattr(desk.sample, "SAMPLE_DIR", folder)
    return folder


def test_first_start_loads_the_sample_once_and_never_against_the_setting(sample_copy, monkeypatch):
    runner = CliRunner()
    monkeypatch.setenv("KALLA_SAMPLE", "off")
    assert runner.invoke(cli, ["sample", "add", "--if-never-used"]).exit_code == 0
    assert never_used(Settings.from_env())
    monkeypatch.delenv("KALLA_SAMPLE")
    result = runner.invoke(cli, ["sample", "add", "--if-never-used"])
    assert result.exit_code == 0 and "3 tillagda" in result.output, result.output
    settings = Settings.from_env()
    with Catalogue(settings.catalogue_path) as catalogue:
        documents = sample_documents(catalogue)
        assert len(documents) == 3 and all(SAMPLE_TAG in d.metadata.tags for d in documents)
        assert documents[0].metadata.identifier == listing()[0]["identifier"]
    for document in documents:  # deleted since: the library has held documents, the sample is not loaded again
        Curator(settings).delete(document.id)
    assert not never_used(settings)
    assert "tillagda" not in runner.invoke(cli, ["sample", "add", "--if-never-used"]).output


def test_remove_withdraws_exactly_the_sample(sample_copy, tmp_path):
    settings = Settings.from_env()
    own = tmp_path / "egna"
    own.mkdir()
    (own / "rapport.md").write_text("# Egen rapport\n\nKommunens e-tjänster byggs ut.\n", encoding="utf-8")
    first = listing()[0]["file"]
    shutil.copyfile(SAMPLE_DIR / first, own / "samma.md")  # the same text, but the user's own copy
    Ingester(settings).add([own])
    report = add_sample(settings)
    assert report.count("added") == 2 and report.count("duplicate") == 1
    result = CliRunner().invoke(cli, ["sample", "remove"])
    assert result.exit_code == 0 and "2 dokument ur exempelbiblioteket är tillbakadragna" in result.output, result.output
    with Catalogue(settings.catalogue_path) as catalogue:
        status = {Path(d.source_path).name: d.status for d in catalogue.documents(status=None)}
        assert not sample_documents(catalogue)
    assert status == {"rapport.md": "active", "samma.md": "active", **{
        Path(e["file"]).name: "withdrawn" for e in listing()[1:3]}}
    assert "Inga dokument" in CliRunner().invoke(cli, ["sample", "remove"]).output


def test_a_moved_clone_still_knows_its_sample(sample_copy, tmp_path, monkeypatch):
    settings = Settings.from_env()
    add_sample(settings)
    moved = tmp_path / "flyttad" / "samples"
    shutil.copytree(sample_copy, moved)
    monkeypatch.setattr(desk.sample, "SAMPLE_DIR", moved)
    with Catalogue(settings.catalogue_path) as catalogue:
        assert len(sample_documents(catalogue)) == 3


def test_the_opening_page_says_it_is_a_sample_and_how_to_add_ones_own(sample_copy):
    add_sample(Settings.from_env())
    app = start()
    notice = app.info[0].value
    assert "exempelbibliotek" in notice and "python -m corpus sample remove" in notice
    assert "python -m ingest add" in notice and "Lägg till dokument" in notice
    assert any("logga in i sidomenyn" in c.value for c in app.caption)


def test_a_librarian_is_offered_the_upload_page_in_the_empty_library(hashing_env):
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        catalogue.users.add("anna", "ett långt lösenord", "librarian")
    app = start()
    assert "python -m ingest add" in app.info[0].value
    assert any("logga in i sidomenyn" in c.value for c in app.caption)
    app = log_in(app, "anna", "ett långt lösenord")
    links = app.get("page_link")
    assert links and "ladda_upp" in links[0].proto.page, links


@pytest.fixture(scope="module")
def real_sample(tmp_path_factory):
    settings = Settings.from_env()
    prepare_e5_small(settings.models_dir / DEFAULT_MODEL)
    settings = replace(settings, data_dir=tmp_path_factory.mktemp("exempel") / "data", model=DEFAULT_MODEL)
    report = add_sample(settings)
    assert report.count("added") == len(sample_files()) and not report.failed, report.summary()
    return settings


@pytest.mark.real_model
def test_the_real_model_answers_from_the_sample_with_the_sentence_quoted_and_cited(real_sample):
    from answer.assistant import Assistant

    answer = Assistant(real_sample).ask(ANSWERED)
    assert not answer.abstained, answer.notice_text
    quoted = [s for s in answer.sentences if s.text == ANSWER_SENTENCE]
    assert quoted, [s.text for s in answer.sentences]
    cited = next(h for h in answer.hits if h.rank == quoted[0].source)
    assert cited.document.metadata.identifier == "Dir. 2009:19"
    assert ANSWER_SENTENCE in Path(cited.document.source_path).read_text(encoding="utf-8")
    line = citation_line(cited.document, cited.passage, "sv")  # Markdown has no pages: the document is cited
    assert "Delegation för e-förvaltning" in line and "Dir. 2009:19" in line and "2009" in line


@pytest.mark.real_model
def test_the_real_model_declines_what_the_sample_does_not_answer(real_sample):
    from answer.assistant import Assistant

    answer = Assistant(real_sample).ask(NOT_ANSWERED)
    assert answer.abstained and not answer.sentences
