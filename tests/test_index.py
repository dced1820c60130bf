"""Publishing, manifests and search over a real FAISS index."""
import json
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

from corpus.citation import page_text
from helpers import SWEDISH_PAGES, make_pdf
from index.cli import cli
from index.keywords import KeywordIndex
from index.kinds import IndexPlan, new_index
from index.manifest import IndexMismatch, Manifest
from index.search import EmptyLibrary, Searcher
from index.store import load_current, publish
from ingest.pipeline import Ingester


def test_publish_swaps_versions_atomically_and_keeps_few(tmp_path):
    index = new_index(IndexPlan("flat"), 4)
    index.add_with_ids(np.eye(4, dtype=np.float32), np.array([10, 11, 12, 13]))
    manifest = Manifest(model="m", dimension=4, chunk_chars=100, chunk_overlap_sentences=1,
                        passages=4, documents=1)
    keywords = KeywordIndex.empty().updated([], [(10, ["gaml", "system"]), (11, ["system"])])
    versions = [publish(tmp_path, index, manifest, keywords) for _ in range(4)]
    loaded = load_current(tmp_path)
    assert loaded.version == versions[-1]
    assert sorted(loaded.ids()) == [10, 11, 12, 13]
    assert loaded.keywords.terms == ["gaml", "system"] and list(loaded.keywords.ids) == [10, 11]
    stored = json.loads((loaded.path / "manifest.json").read_text())
    assert stored["model"] == "m" and stored["dimension"] == 4 and stored["created_at"]
    assert len([p for p in (tmp_path / "versions").iterdir()]) == 2


def test_search_cites_the_right_pdf_page(settings, tmp_path):
    make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES, labels=[(0, "/r", 1), (1, "/D", 1)])
    Ingester(settings).add([tmp_path / "rapport.pdf"])
    hits = Searcher(settings).search("föråldrade it-system dyra att underhålla", k=3)
    top = hits[0]
    assert "dyra att underhålla" in top.passage.text
    assert (top.passage.page_number, top.passage.page_label) == (2, "1")
    assert page_text(top.passage) == "s. 1 (PDF-sida 2)"
    assert page_text(top.passage, "en") == "p. 1 (PDF page 2)"
    assert top.document.file_name == "rapport.pdf"


def test_empty_library_says_how_to_add(settings):
    with pytest.raises(EmptyLibrary, match="python -m ingest add"):
        Searcher(settings).search("något")


def test_an_index_built_with_another_model_is_refused(settings, tmp_path):
    make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES)
    Ingester(settings).add([tmp_path / "rapport.pdf"])
    other = replace(settings, model="intfloat/multilingual-e5-base")
    with pytest.raises(IndexMismatch, match="python -m index rebuild"):
        Searcher(other, embedder=None).published()


def test_search_cli_prints_citations(hashing_env, tmp_path):
    make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES, labels=[(0, "/r", 1), (1, "/D", 1)])
    from ingest.cli import cli as ingest_cli

    assert CliRunner().invoke(ingest_cli, ["add", str(tmp_path / "rapport.pdf")]).exit_code == 0
    result = CliRunner().invoke(cli, ["search", "föråldrade it-system", "-k", "2"])
    assert result.exit_code == 0, result.output
    assert "[1] rapport" in result.stdout and "s. 1 (PDF-sida 2)" in result.stdout
    info = CliRunner().invoke(cli, ["info"])
    assert '"model": "hashing"' in info.stdout and '"analyzer": "sv-' in info.stdout
    filtered = CliRunner().invoke(cli, ["search", "föråldrade it-system", "--language", "en", "--mode", "bm25"])
    assert filtered.exit_code == 0 and "Inga passager" in filtered.stderr and "[1]" not in filtered.stdout


def test_rebuild_reindexes_from_catalogue(hashing_env, tmp_path):
    make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES)
    from ingest.cli import cli as ingest_cli

    CliRunner().invoke(ingest_cli, ["add", str(tmp_path / "rapport.pdf")])
    result = CliRunner().invoke(cli, ["rebuild"])
    assert result.exit_code == 0 and "3 passager" in result.stdout
