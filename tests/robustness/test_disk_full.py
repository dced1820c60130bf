"""A full disk during ingest or rebuild (finding 10): a clear error naming the data folder, no traceback,
nothing half-published (no staging folder left, CURRENT on a whole version), and once space is freed the
next run finishes and `corpus check` is clean. Runs on a small tmpfs (skipped where none can be mounted)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from index.store import current_version, load_current
from settings import PROJECT_ROOT, Settings

SIZE_MB = 12


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "liten-disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(mount)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"kan inte montera en tmpfs här ({mounted.stderr.decode().strip() or 'ingen behörighet'})")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def small_disk_free(folder) -> int:
    import shutil

    return shutil.disk_usage(folder).free


def run(env: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *arguments], env=env, cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=600)


def test_a_full_disk_is_named_and_loses_nothing(small_disk, tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KALLA_")},
           "KALLA_DATA_DIR": str(small_disk / "data"), "KALLA_MODEL": "hashing"}
    settings = Settings.from_env(env)
    first, more = tmp_path / "forsta", tmp_path / "fler"
    first.mkdir()
    more.mkdir()
    (first / "rapport.txt").write_text("Myndigheternas äldre it-system är dyra att förvalta. " * 20, encoding="utf-8")
    assert run(env, "ingest", "add", str(first)).returncode == 0
    published = current_version(settings.index_dir)
    filler = small_disk / "annat-pa-samma-disk.bin"  # what else fills the disk, freed later
    filler.write_bytes(b"\0" * (small_disk_free(small_disk) - 1_200_000))
    for number in range(15):  # about 0.5 MB of text; with its passages and vectors, more than 1.2 MB
        words = " ".join(f"ord{number}x{i}" for i in range(3_000))
        (more / f"dok{number:02d}.txt").write_text(f"Dokument {number} om e-tjänster. {words}", encoding="utf-8")

    full = run(env, "ingest", "add", str(more))
    assert full.returncode != 0
    assert "Traceback" not in full.stderr, full.stderr[-3000:]
    assert "Disken är full" in full.stderr and str(small_disk / "data") in full.stderr, full.stderr[-1500:]
    versions = settings.index_dir / "versions"
    assert not list(versions.glob(".staging-*"))  # nothing half-published
    assert current_version(settings.index_dir) is not None and load_current(settings.index_dir) is not None
    searched = run(env, "index", "search", "äldre it-system")
    assert searched.returncode == 0 and "rapport" in searched.stdout  # the library still answers

    filler.unlink()  # space freed
    again = run(env, "ingest", "add", str(more))
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    checked = run(env, "corpus", "check")
    if checked.returncode != 0:  # what the full disk left derived-only is rebuilt from the catalogue
        run(env, "corpus", "check", "--repair")
        checked = run(env, "corpus", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert current_version(settings.index_dir) != published
