"""A release for read replicas is a self-contained data folder: an app pointed at it answers the same,
and later ingests on the primary do not touch it."""
from dataclasses import replace

import pytest
from click.testing import CliRunner

from corpus.catalogue import Catalogue
from helpers import SWEDISH_PAGES, make_pdf
from index.cli import cli
from index.replica import ReleaseError, export_release
from index.search import Searcher
from ingest.pipeline import Ingester

QUESTION = "Varför är gamla it-system dyra?"


def hits(settings):
    return [(h.passage.id, h.document.file_name, round(h.score, 6)) for h in Searcher(settings).search(QUESTION, k=3)]


def test_a_release_answers_like_the_primary_and_stays_as_it_was(settings, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "rapport.pdf", SWEDISH_PAGES)
    (folder / "skog.md").write_text("# Skogen\n\nSkogliga grunddata beskriver trädslag.", encoding="utf-8")
    Ingester(settings).add([folder])

    release = tmp_path / "releases" / "1"
    result = CliRunner().invoke(cli, ["release", str(release)], env={"KALLA_DATA_DIR": str(settings.data_dir),
                                                                      "KALLA_MODEL": "hashing",
                                                                      "KALLA_CHUNK_CHARS": "400"})
    assert result.exit_code == 0, result.output
    replica = replace(settings, data_dir=release)
    assert hits(replica) == hits(settings)
    document = Catalogue(replica.catalogue_path).documents()[0]
    assert (replica.library_dir / document.stored_path).is_file()  # the cited page can be opened

    (folder / "ny.txt").write_text("Gamla it-system är dyra att underhålla för myndigheter.", encoding="utf-8")
    Ingester(settings).add([folder])
    assert Catalogue(replica.catalogue_path).counts()["documents"] == 2
    assert Catalogue(settings.catalogue_path).counts()["documents"] == 3


def test_a_release_needs_an_empty_folder_and_a_published_index(settings, tmp_path):
    with pytest.raises(ReleaseError, match="inget index"):
        export_release(settings, tmp_path / "r")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(ReleaseError, match="inte tom"):
        export_release(settings, tmp_path / "full")


def test_a_running_searcher_follows_the_release_symlink(settings, tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "rapport.pdf", SWEDISH_PAGES)
    Ingester(settings).add([folder])
    export_release(settings, tmp_path / "releases" / "1")
    (folder / "ny.txt").write_text("Gamla it-system är dyra att underhålla för myndigheter.", encoding="utf-8")
    Ingester(settings).add([folder])
    export_release(settings, tmp_path / "releases" / "2")

    current = tmp_path / "current"
    current.symlink_to(tmp_path / "releases" / "1")
    monkeypatch.setenv("KALLA_DATA_DIR", str(current))
    from settings import Settings

    replica = replace(Settings.from_env(), model="hashing", chunk_chars=400)
    assert replica.data_dir == current  # not resolved to the release it points at today
    searcher = Searcher(replica)
    assert {h.document.file_name for h in searcher.search(QUESTION, k=5)} == {"rapport.pdf"}
    (tmp_path / "next").symlink_to(tmp_path / "releases" / "2")
    (tmp_path / "next").replace(current)  # what `mv -T next current` does
    assert "ny.txt" in {h.document.file_name for h in searcher.search(QUESTION, k=5)}
