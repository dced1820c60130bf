"""Searching while an ingest runs in another process: every search answers from a whole published index,
and the same searcher picks up the new version once the ingest publishes it (no restart)."""
from __future__ import annotations

import os
import subprocess
import sys

from corpus.filters import SearchFilters
from index.search import Searcher
from index.store import current_version
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT


def test_searches_keep_answering_during_an_ingest_and_see_the_new_index(settings, tmp_path):
    (tmp_path / "first.txt").write_text("Myndigheterna förvaltar gamla it-system som är dyra.", encoding="utf-8")
    Ingester(settings).add([tmp_path / "first.txt"])
    searcher = Searcher(settings)
    before = current_version(settings.index_dir)

    batch = tmp_path / "batch"
    batch.mkdir()
    for number in range(30):
        (batch / f"dokument-{number:02}.txt").write_text(
            f"Dokument {number} handlar om kommunernas e-tjänster och arkivering nummer {number}. " * 10,
            encoding="utf-8")
    (batch / "nyhet.txt").write_text("Lantmäteriet inför en ny tjänst för fastighetsregistret.", encoding="utf-8")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KALLA_")},
           "KALLA_DATA_DIR": str(settings.data_dir), "KALLA_MODEL": "hashing", "KALLA_CHUNK_CHARS": "400"}
    ingest = subprocess.Popen([sys.executable, "-m", "ingest", "add", str(batch)], env=env, cwd=PROJECT_ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    during = 0
    while ingest.poll() is None:
        hits = searcher.search("gamla it-system", 3, SearchFilters())
        assert hits and hits[0].document.file_name == "first.txt"
        during += 1
    assert ingest.returncode == 0 and during > 0
    assert current_version(settings.index_dir) != before
    hits = searcher.search("fastighetsregistret Lantmäteriet", 1)
    assert hits[0].document.file_name == "nyhet.txt"  # the same searcher, the new version
