"""Publish and load index versions atomically: build in a new folder, then swap the CURRENT pointer.

A version folder holds the FAISS vectors, the BM25 keyword index and the manifest describing both;
readers always see one consistent pair.
"""
from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from corpus.space import DiskFull, is_disk_full
from index.keywords import KeywordIndex
from index.kinds import stored_ids
from index.manifest import Manifest
from text.problems import Phrase, Problem, said

VECTORS_FILE = "vectors.faiss"
MANIFEST_FILE = "manifest.json"
POINTER = "CURRENT"
KEEP_VERSIONS = 2


class DamagedIndex(Problem, RuntimeError):
    """The published index cannot be read; the catalogue (the system of record) can rebuild it."""

    def __init__(self, index_dir: Path, detail: Phrase) -> None:
        super().__init__("index_damaged", folder=index_dir, detail=detail)
        self.index_dir, self.detail = index_dir, detail

    def __reduce__(self):
        return DamagedIndex, (self.index_dir, self.detail)


@dataclass
class PublishedIndex:
    version: str
    path: Path
    index: faiss.Index
    manifest: Manifest
    keywords: KeywordIndex

    def ids(self) -> np.ndarray:
        return stored_ids(self.index)

    @property
    def nprobe(self) -> int:
        return int(self.manifest.index_params.get("nprobe", 1))


def current_version(index_dir: Path) -> str | None:
    """The version CURRENT points at; None where nothing was ever published; DamagedIndex where versions
    exist but CURRENT is missing, unreadable or points at none of them."""
    pointer = Path(index_dir) / POINTER
    try:
        version = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else None
    except (OSError, UnicodeDecodeError):
        version = ""
    if version and "/" not in version and (Path(index_dir) / "versions" / version / MANIFEST_FILE).is_file():
        return version
    if _published_versions(Path(index_dir)):
        raise DamagedIndex(index_dir, said("index_pointer_missing" if version is None else "index_pointer_dangling",
                                           pointer=POINTER))
    return None


def _published_versions(index_dir: Path) -> list[Path]:
    versions = index_dir / "versions"
    if not versions.is_dir():
        return []
    return [p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")]


def load_current(index_dir: Path, mapped: bool = False) -> PublishedIndex | None:
    """The published version. `mapped` memory-maps the vectors instead of reading them (read-only: for
    searching; the operating system pages them in as needed and shares them between processes)."""
    version = current_version(index_dir)
    if version is None:
        return None
    folder = Path(index_dir) / "versions" / version
    try:
        manifest = Manifest.read(folder / MANIFEST_FILE)
    except Exception as exc:  # garbled JSON, missing fields
        raise DamagedIndex(index_dir, said("index_file_unreadable_because", file=MANIFEST_FILE,
                                           error=type(exc).__name__)) from exc
    mapping = faiss.IO_FLAG_MMAP if manifest.index_type.startswith("IVF") else faiss.IO_FLAG_MMAP_IFC
    flags = mapping | faiss.IO_FLAG_READ_ONLY if mapped else 0
    try:
        index = faiss.read_index(str(folder / VECTORS_FILE), flags)
    except Exception as exc:  # truncated or missing: faiss raises RuntimeError
        raise DamagedIndex(index_dir, said("index_file_unreadable", file=VECTORS_FILE)) from exc
    if index.ntotal != manifest.passages:
        raise DamagedIndex(index_dir, said("index_count_differs", file=VECTORS_FILE, count=index.ntotal,
                                           expected=manifest.passages))
    if not KeywordIndex.exists(folder):
        if manifest.passages:
            raise DamagedIndex(index_dir, said("index_keywords_missing"))
        return PublishedIndex(version, folder, index, manifest, KeywordIndex.empty())
    try:
        keywords = KeywordIndex.read(folder)
    except Exception as exc:
        raise DamagedIndex(index_dir, said("index_keywords_unreadable", error=type(exc).__name__)) from exc
    return PublishedIndex(version, folder, index, manifest, keywords)


def publish(index_dir: Path, index: faiss.Index, manifest: Manifest, keywords: KeywordIndex) -> str:
    """Write a new version beside the old ones, then point CURRENT at it in one rename."""
    index_dir = Path(index_dir)
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    version = f"{stamp:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    staging = versions / f".staging-{version}"
    try:
        staging.mkdir()
        faiss.write_index(index, str(staging / VECTORS_FILE))
        keywords.write(staging)
        stamped = Manifest(**{**manifest.__dict__, "created_at": stamp.isoformat(timespec="seconds")})
        (staging / MANIFEST_FILE).write_text(stamped.to_json(), encoding="utf-8")
        _fsync_folder(staging)
    except Exception as exc:  # nothing half-written is left; the previous version stays current
        shutil.rmtree(staging, ignore_errors=True)
        if is_disk_full(exc, index_dir):
            raise DiskFull(index_dir.parent) from exc
        raise
    staging.rename(versions / version)
    point_current(index_dir, version)
    _remove_old_versions(versions, keep=version)
    return version


def point_current(index_dir: Path, version: str) -> None:
    """Make `version` the one readers load, in one atomic rename."""
    tmp = index_dir / f".{POINTER}.{uuid.uuid4().hex}"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(version + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / POINTER)


def _fsync_folder(folder: Path) -> None:
    for item in folder.iterdir():
        with open(item, "rb") as handle:
            os.fsync(handle.fileno())


def _remove_old_versions(versions: Path, keep: str) -> None:
    """Keep the newest few versions (a reader may still be loading the previous one)."""
    finished = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in finished[:-KEEP_VERSIONS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    for staging in versions.glob(".staging-*"):
        if staging.name != f".staging-{keep}":
            shutil.rmtree(staging, ignore_errors=True)
