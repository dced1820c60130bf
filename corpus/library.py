"""The content-addressed store of original files, so every cited document can be opened."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def staged_copy(source: BinaryIO, name: str, folder: Path) -> Path:
    """A private copy of the open file `source`, under `name`, in a new subfolder of `folder` (a staging area
    of this process): hash, text and stored original are then taken from the same bytes, however the file
    changes meanwhile. Remove it with `discard_staged`."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    place = Path(tempfile.mkdtemp(dir=folder, prefix="fil-"))
    copy = place / name
    try:
        with open(copy, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
    except BaseException:
        shutil.rmtree(place, ignore_errors=True)
        raise
    return copy


def discard_staged(copy: Path) -> None:
    """Remove a copy made by `staged_copy` (with its subfolder)."""
    shutil.rmtree(Path(copy).parent, ignore_errors=True)


class Library:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def relative_path(self, content_hash: str, suffix: str) -> str:
        return f"{content_hash[:2]}/{content_hash}{suffix.lower()}"

    def store(self, source: Path, content_hash: str) -> str:
        """Copy `source` in (once: same content, same place) and return its path inside the library."""
        relative = self.relative_path(content_hash, Path(source).suffix)
        target = self.root / relative
        if target.exists():
            return relative
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                while block := src.read(CHUNK):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return relative

    def remove_leftovers(self) -> int:
        """Delete half-written copies left by a killed ingest (call only while holding the writer lock)."""
        removed = 0
        for leftover in self.root.glob("*/.incoming-*") if self.root.is_dir() else ():
            leftover.unlink(missing_ok=True)
            removed += 1
        return removed

    def path(self, relative: str) -> Path:
        return self.root / relative
