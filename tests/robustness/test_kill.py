"""SIGKILL an ingest of ../shared/corpus at seeded random moments after it has taken the writer lock (the
kills that landed mid-action are counted in test-artifacts/kills/ingest.txt; none fails the test): after
every kill the catalogue and both indexes still agree on what they hold, and the next run finishes the
work: `corpus check` is clean and every document is there exactly once."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from corpus.catalogue import Catalogue
from helpers import (
    SHARED_CORPUS,
    assert_structurally_consistent,
    kill_mid_action,
    moments_after_begun,
    record_kills,
    requires_shared_corpus,
)
from ingest.pipeline import find_files
from settings import PROJECT_ROOT, Settings

pytestmark = [requires_shared_corpus(), pytest.mark.shared]
KILLS = 4
SEED = 20261123
INGEST = ["ingest", "add", str(SHARED_CORPUS)]


def test_killed_ingests_leave_a_consistent_library_and_the_next_run_finishes(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KALLA_")},
           "KALLA_DATA_DIR": str(tmp_path / "data"), "KALLA_MODEL": "hashing"}
    settings = Settings.from_env(env)
    kills = []
    for moment in moments_after_begun(SEED, KILLS, 0.5, 28.0):  # from the first file read to publishing the index
        kills.append(kill_mid_action(INGEST, env, after_begun=moment))  # the ingest and its extraction worker
        assert_structurally_consistent(settings)
    record_kills("ingest", kills)

    final = subprocess.run([sys.executable, "-m", *INGEST], env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=900)
    assert final.returncode == 0, final.stdout.decode()[-2000:]
    assert_structurally_consistent(settings)
    checked = subprocess.run([sys.executable, "-m", "corpus", "check"], env=env, cwd=PROJECT_ROOT,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    catalogue = Catalogue(settings.catalogue_path)
    sources = [document.source_path for document in catalogue.documents(status=None)]
    assert len(sources) == len(set(sources)), "a document is present twice"
    assert set(sources) == {str(p) for p in find_files([SHARED_CORPUS])}
    runs = [run["status"] for run in catalogue.ingest_runs()]
    assert runs[-1] == "ok" and set(runs[:-1]) <= {"interrupted", "ok"}  # killed runs are marked as such
