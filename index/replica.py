"""Releases for read replicas: a self-contained, consistent copy of the library that an app can serve
read-only on another machine (or beside the primary, to spread the questions over more processes).

A release is a data folder: a snapshot of the catalogue (SQLite `VACUUM INTO`: one consistent moment),
the original files (for the cited pages) and the current index version with its CURRENT pointer. It is
taken under the writer lock, so no ingest publishes meanwhile and the index matches the catalogue.
Replicas switch releases by moving a symlink (see docs/operations.md, *Read replicas*).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from corpus.catalogue import Catalogue
from corpus.lock import writer_lock
from index.store import current_version, point_current
from settings import Settings
from text.problems import Problem


class ReleaseError(Problem, RuntimeError):
    pass


def export_release(settings: Settings, target: Path, on_wait: Callable[[str], None] | None = None) -> str:
    """Write a release of the library into the empty or new folder `target`; returns its index version."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise ReleaseError("release_target_not_empty", target=target)
    with writer_lock(settings.data_dir, wait=True, on_wait=on_wait):
        version = current_version(settings.index_dir)
        if version is None:
            raise ReleaseError("release_nothing_published")
        target.mkdir(parents=True, exist_ok=True)
        _copy_files(settings.library_dir, target / settings.library_dir.name)
        index_dir = target / settings.index_dir.name
        shutil.copytree(settings.index_dir / "versions" / version, index_dir / "versions" / version)
        with Catalogue(settings.catalogue_path) as catalogue:
            catalogue.snapshot_to(target / settings.catalogue_path.name)
        point_current(index_dir, version)  # last: a folder without CURRENT is not a finished release
    return version


def _copy_files(source: Path, destination: Path) -> None:
    """The library's original files (content-addressed, so never changed in place), without the hidden
    leftovers of a copy that was interrupted."""
    if source.is_dir():
        shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".*"))
