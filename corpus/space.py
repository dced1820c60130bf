"""A full disk, told as such: which folder, and that nothing was lost."""
from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from text.problems import Problem

LOW_SPACE_BYTES = 1 << 20


class DiskFull(Problem, OSError):
    def __init__(self, folder: Path) -> None:
        super().__init__("disk_full", folder=folder)
        self.errno, self.strerror, self.folder = errno.ENOSPC, self.text("sv"), Path(folder)

    def __str__(self) -> str:
        return self.strerror

    def __reduce__(self):
        return DiskFull, (self.folder,)


def is_disk_full(exc: BaseException, folder: Path) -> bool:
    """Whether `exc` means the disk holding `folder` is full (from the OS, SQLite or FAISS)."""
    if isinstance(exc, DiskFull) or (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)):
        return True
    if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
        return True
    if isinstance(exc, RuntimeError):  # FAISS reports a failed write as a RuntimeError
        try:
            return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
        except OSError:
            return False
    return False
