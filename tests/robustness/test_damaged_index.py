"""A damaged index never takes the app down silently (finding 5): a truncated FAISS file, a garbled
manifest, a missing keyword file, a missing or garbled CURRENT each give a clear message naming the repair,
in the library, both command lines and the app; `corpus check` reports it and `--repair` restores service
from the catalogue."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from index.search import Searcher
from index.store import DamagedIndex, current_version
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT, Settings

TEXTS = {"rapport.txt": "Riksrevisionen granskade hur myndigheterna förvaltar äldre it-system och vad det kostar.",
         "kommun.txt": "Kommunerna bygger ut sina e-tjänster för bygglov och skolval."}
QUESTION = "äldre it-system myndigheterna"


def version_folder(settings: Settings):
    return settings.index_dir / "versions" / current_version(settings.index_dir)


DAMAGES = {
    "truncated vectors": lambda s: (version_folder(s) / "vectors.faiss").write_bytes(
        (version_folder(s) / "vectors.faiss").read_bytes()[:100]),
    "garbled manifest": lambda s: (version_folder(s) / "manifest.json").write_text("{ not json", encoding="utf-8"),
    "missing keyword file": lambda s: (version_folder(s) / "keywords.npz").unlink(),
    "missing CURRENT": lambda s: (s.index_dir / "CURRENT").unlink(),
    "garbled CURRENT": lambda s: (s.index_dir / "CURRENT").write_bytes(b"\xff\xfe../../etc"),
}


def run(env: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *arguments], env=env, cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_index_is_reported_everywhere_and_repaired_from_the_catalogue(hashing_env, tmp_path, damage):
    settings = Settings.from_env()
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    Ingester(settings).add([folder])
    DAMAGES[damage](settings)

    with pytest.raises(DamagedIndex, match="python -m corpus check --repair"):
        Searcher(settings).search(QUESTION)
    env = {**os.environ}
    for command in (("index", "search", QUESTION), ("index", "info"), ("corpus", "check")):
        result = run(env, *command)
        assert result.returncode != 0, (command, result.stdout)
        assert "Traceback" not in result.stderr, (command, result.stderr[-1500:])
        assert "--repair" in result.stdout + result.stderr, (command, result.stdout, result.stderr)

    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    app.run()
    app.chat_input[0].set_value(QUESTION).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("--repair" in e.value for e in app.error), [e.value for e in app.error]

    repaired = run(env, "corpus", "check", "--repair")
    assert "Traceback" not in repaired.stderr, repaired.stderr[-1500:]
    assert run(env, "corpus", "check").returncode == 0
    assert any(hit.document.file_name == "rapport.txt" for hit in Searcher(settings).search(QUESTION))
