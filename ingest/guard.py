"""Extraction in a separate process with a time limit and a memory limit, so that one hostile file (a
PDF whose text extraction never ends, a decompression bomb) costs one failed file, not the ingest.

One worker process (`ingest.worker`, a fresh interpreter: nothing of the parent is forked) serves a whole
ingest run and is started only when a file needs extracting. A file that runs past the limit, or kills
its worker, fails with that reason; the next file gets a fresh worker.
"""
from __future__ import annotations

import os
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from ingest.extraction import Extraction, ExtractionError
from settings import PROJECT_ROOT


class GuardedExtractor:
    """`extract(path)` with limits. Use as a context manager (or call close) to stop the worker."""

    def __init__(self, seconds: float, memory_mb: int) -> None:
        self.seconds = seconds
        self.memory_bytes = int(memory_mb) * 2**20
        self._worker: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._receive: Connection | None = None

    def __enter__(self) -> GuardedExtractor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def extract(self, path: Path) -> Extraction:
        self._ready()
        try:
            self._send.send(str(path))
            finished = self._receive.poll(self.seconds)
        except (OSError, EOFError):
            finished = None
        if finished is False:
            self._stop(kill=True)
            raise ExtractionError("extract_timeout", seconds=self.seconds)
        try:
            status, value = self._receive.recv()
        except (EOFError, OSError):
            self._stop(kill=True)
            raise ExtractionError("extract_crashed") from None
        if status == "error":
            raise value
        return value

    def _ready(self) -> None:
        if self._worker is not None and self._worker.poll() is None:
            return
        self._stop(kill=True)
        to_worker_read, to_worker_write = os.pipe()
        from_worker_read, from_worker_write = os.pipe()
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                                                 os.environ.get("PYTHONPATH")]))}
        self._worker = subprocess.Popen(
            [sys.executable, "-m", "ingest.worker", str(to_worker_read), str(from_worker_write),
             str(self.memory_bytes)], pass_fds=(to_worker_read, from_worker_write), env=environment,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, cwd=PROJECT_ROOT)
        os.close(to_worker_read)
        os.close(from_worker_write)
        self._send = Connection(to_worker_write, readable=False)
        self._receive = Connection(from_worker_read, writable=False)

    def _stop(self, kill: bool) -> None:
        for connection in (self._send, self._receive):
            if connection is not None:
                connection.close()
        if self._worker is not None:
            if kill:
                self._worker.kill()
            try:
                self._worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._worker.kill()
                self._worker.wait()
        self._worker = self._send = self._receive = None

    def close(self) -> None:
        """Let the worker finish (it sees the pipe close) and reap it."""
        self._stop(kill=False)
