"""One writer at a time: ingest and index rebuilds hold an exclusive lock on the data folder.

The lock is an OS file lock (flock), so it is released when the holder exits, even on SIGKILL:
a crashed ingest never leaves a stale lock behind. Readers (the app, searches) never take it.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from text.messages import message
from text.problems import Phrase, Problem, said

LOCK_FILE = ".writer.lock"


class LibraryBusy(Problem, RuntimeError):
    """Another process is writing to the library."""


@contextmanager
def writer_lock(data_dir: Path, wait: bool = True, on_wait: Callable[[str], None] | None = None,
                poll_seconds: float = 0.2) -> Iterator[None]:
    """Hold the library's writer lock; wait for it (telling `on_wait` once) or raise LibraryBusy."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / LOCK_FILE, "a+", encoding="utf-8")
    try:
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(handle)
                if not wait:
                    raise LibraryBusy("lock_busy", holder=holder, folder=data_dir) from None
                if on_wait and not told:
                    on_wait(message("lock_waiting", holder=holder, folder=data_dir))
                    told = True
                time.sleep(poll_seconds)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock


def _holder(handle) -> str | Phrase:
    handle.seek(0)
    return handle.read().strip() or said("lock_unknown_holder")
