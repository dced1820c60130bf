"""SIGKILL an ingest of ../shared/corpus at seeded random moments: after every kill the catalogue and both
indexes still agree on what they hold, and the next run finishes the work: `corpus check` is clean and
every document is there exactly once."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from corpus.catalogue import Catalogue
from helpers import SHARED_CORPUS, requires_shared_corpus
from index.store import load_current
from ingest.pipeline import find_files
from settings import PROJECT_ROOT, Settings

pytestmark = [requires_shared_corpus(), pytest.mark.shared]
KILLS = 4
SEED = 20261123


def start_ingest(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ingest", "add", str(SHARED_CORPUS)], env=env, cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)


def assert_structurally_consistent(settings: Settings) -> None:
    """What must hold at any instant: no document without all its passages and vectors, FAISS and BM25
    hold the same passages, and every indexed passage exists in the catalogue."""
    catalogue = Catalogue(settings.catalogue_path)
    try:
        db = catalogue.db
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        empty = db.execute("SELECT COUNT(*) FROM documents d WHERE NOT EXISTS "
                           "(SELECT 1 FROM passages p WHERE p.document_id = d.id)").fetchone()[0]
        unembedded = db.execute("SELECT COUNT(*) FROM passages p WHERE NOT EXISTS "
                                "(SELECT 1 FROM embeddings e WHERE e.passage_id = p.id)").fetchone()[0]
        assert empty == 0 and unembedded == 0
        published = load_current(settings.index_dir)
        if published is not None:
            faiss_ids = np.sort(published.ids())
            assert np.array_equal(faiss_ids, np.sort(published.keywords.ids))
            known = {row[0] for row in db.execute("SELECT id FROM passages")}
            assert set(faiss_ids.tolist()) <= known
            assert published.manifest.passages == len(faiss_ids)
    finally:
        catalogue.close()


def test_killed_ingests_leave_a_consistent_library_and_the_next_run_finishes(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KALLA_")},
           "KALLA_DATA_DIR": str(tmp_path / "data"), "KALLA_MODEL": "hashing"}
    settings = Settings.from_env(env)
    moments = random.Random(SEED)
    for _ in range(KILLS):
        process = start_ingest(env)
        time.sleep(moments.uniform(2.0, 30.0))  # from model loading to publishing the index
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the ingest and its extraction worker
        process.wait()
        assert_structurally_consistent(settings)

    final = start_ingest(env)
    output, _ = final.communicate(timeout=900)
    assert final.returncode == 0, output.decode()[-2000:]
    assert_structurally_consistent(settings)
    checked = subprocess.run([sys.executable, "-m", "corpus", "check"], env=env, cwd=PROJECT_ROOT,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    catalogue = Catalogue(settings.catalogue_path)
    sources = [row[0] for row in catalogue.db.execute("SELECT source_path FROM documents")]
    assert len(sources) == len(set(sources)), "a document is present twice"
    assert set(sources) == {str(p) for p in find_files([SHARED_CORPUS])}
    runs = [row[0] for row in catalogue.db.execute("SELECT status FROM ingest_runs ORDER BY id")]
    assert runs[-1] == "ok" and set(runs[:-1]) <= {"interrupted", "ok"}  # killed runs are marked as such
