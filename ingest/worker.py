"""The extraction worker process (started by ingest.guard): `python -m ingest.worker READ_FD WRITE_FD MEMORY`.

It extracts each path it receives and replies ("ok", Extraction) or ("error", reason), under a memory limit.
"""
from __future__ import annotations

import resource
import sys
from multiprocessing.connection import Connection
from pathlib import Path


def serve(incoming: Connection, outgoing: Connection, memory_bytes: int) -> None:
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from ingest.extraction import ExtractionError
    from ingest.formats import extract

    while True:
        try:
            path = incoming.recv()
        except (EOFError, OSError):
            return
        try:
            outgoing.send(("ok", extract(Path(path))))
        except ExtractionError as exc:
            outgoing.send(("error", exc))
        except MemoryError:
            outgoing.send(("error", ExtractionError("extract_memory", limit=memory_bytes // 2**20)))
        except Exception as exc:  # an extractor bug must still give a reason, not end the batch
            outgoing.send(("error", ExtractionError("extract_unexpected", error=f"{type(exc).__name__}: {exc}")))


if __name__ == "__main__":
    read_fd, write_fd, memory = (int(a) for a in sys.argv[1:4])
    serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False), memory)
