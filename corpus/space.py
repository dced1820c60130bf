"""A full disk, told as such: which folder, and that nothing was lost."""
from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

LOW_SPACE_BYTES = 1 << 20


class DiskFull(OSError):
    def __init__(self, folder: Path) -> None:
        super().__init__(errno.ENOSPC, f"Disken är full där Källa sparar biblioteket ({folder}). Inget som redan "
                                       f"fanns har gått förlorat; frigör utrymme och kör samma kommando igen "
                                       f"(kör sedan python -m corpus check).")
        self.folder = Path(folder)

    def __str__(self) -> str:
        return self.strerror


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
