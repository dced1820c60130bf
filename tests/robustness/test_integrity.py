"""`python -m corpus check` finds every kind of disagreement between files, catalogue and indexes, and
`--repair` rebuilds what is derived (hashing embedder, real SQLite, real FAISS, real files)."""
from __future__ import annotations

from click.testing import CliRunner

from corpus.catalogue import Catalogue
from desk.cli import cli
from desk.integrity import check, repair
from helpers import SWEDISH_PAGES, below_the_catalogue, make_pdf
from ingest.pipeline import Ingester


def library(settings, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "rapport.pdf", SWEDISH_PAGES)
    (folder / "a.txt").write_text("Kommunerna digitaliserar sina tjänster för bygglov.", encoding="utf-8")
    (folder / "b.md").write_text("# Arv\n\nGamla system i staten är dyra att förvalta.", encoding="utf-8")
    Ingester(settings).add([folder])
    return Catalogue(settings.catalogue_path)


def kinds(report):
    return sorted(p.kind for p in report.problems)


def test_a_fresh_library_is_clean(settings, tmp_path):
    library(settings, tmp_path)
    report = check(settings)
    assert report.clean and report.documents == 3 and report.files == 3 and report.passages_indexed > 0


def test_derived_damage_is_found_and_repaired(settings, tmp_path):
    catalogue = library(settings, tmp_path)
    (settings.library_dir / "ab").mkdir(exist_ok=True)
    (settings.library_dir / "ab" / ".incoming-xyz").write_bytes(b"half a file")
    (settings.library_dir / "ab" / "abcdef.pdf").write_bytes(b"%PDF nobody's")
    some = catalogue.document_passages(catalogue.documents()[0].id)[0]
    below_the_catalogue(settings.catalogue_path).execute("DELETE FROM embeddings WHERE passage_id = ?", (some.id,))
    report = check(settings)
    assert kinds(report) == ["index", "index", "leftover_file", "missing_vectors", "orphan_file"], report.problems
    done = repair(settings, report)
    assert any("bäddade in 1" in line for line in done) and any("byggde om" in line for line in done)
    assert check(settings).clean


def test_lost_or_changed_originals_are_reported_not_hidden(settings, tmp_path):
    catalogue = library(settings, tmp_path)
    first, second = catalogue.documents()[:2]
    (settings.library_dir / first.stored_path).unlink()
    (settings.library_dir / second.stored_path).write_bytes(b"changed on disk")
    report = check(settings)
    assert kinds(report) == ["changed_file", "missing_file"]
    assert not any(p.repairable for p in report.problems)
    repair(settings, report)
    assert kinds(check(settings)) == ["changed_file", "missing_file"]  # nothing pretended


def test_index_out_of_step_with_the_catalogue(settings, tmp_path):
    catalogue = library(settings, tmp_path)
    document = catalogue.documents()[0]
    catalogue.set_status(document.id, "withdrawn", None)  # behind its back (no audit record, no index sync)
    report = check(settings)
    assert {p.detail.split(" ")[0] for p in report.problems} == {"FAISS-indexet", "BM25-indexet"}
    repair(settings, report)
    assert check(settings).clean


def test_cli_check_exit_codes(hashing_env, tmp_path):
    from settings import Settings

    settings = Settings.from_env()
    library(settings, tmp_path)
    clean = CliRunner().invoke(cli, ["check"])
    assert clean.exit_code == 0 and "allt stämmer" in clean.output
    (settings.library_dir / ".incoming-1").write_bytes(b"x")
    dirty = CliRunner().invoke(cli, ["check"])
    assert dirty.exit_code == 1 and "leftover_file" in dirty.output
    repaired = CliRunner().invoke(cli, ["check", "--repair"])
    assert repaired.exit_code == 0 and "lagat: tog bort .incoming-1" in repaired.output
