"""Ingest across the workers of a Dask cluster: they extract, split and embed; this process records.

Each file is one task. A worker prepares it (`ingest.preparation.prepare_document`: guarded extraction,
chunking, language, embedding with the model it loaded once) and sends back the passages and vectors;
the ingesting process writes them to the catalogue in file order and publishes the index as a
single-process ingest does, so the library is the same. Workers need the files and the prepared model
at the same paths (a shared file system); they never open the catalogue or the index.

    python -m ingest add ARKIV --workers 4                      # a local cluster of 4 processes
    python -m ingest add ARKIV --scheduler tcp://host:8786      # an existing cluster (dask scheduler)
"""
from __future__ import annotations

import functools
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path

from corpus.records import DocumentMetadata
from embedding import load_embedder
from ingest.extraction import ExtractionError
from ingest.guard import GuardedExtractor
from ingest.preparation import PreparedDocument, prepare_document
from settings import Settings
from text.problems import Problem

TASKS_PER_WORKER = 4  # prepared ahead of the recording, per worker: bounds the vectors held in memory


class ClusterUnavailable(Problem, RuntimeError):
    """No Dask cluster to prepare the files on."""


@dataclass(frozen=True)
class DaskPreparers:
    """Makes a `DaskPreparer` for each ingest run: a local cluster of `workers` processes, or the
    cluster whose scheduler is at `scheduler`."""

    workers: int = 2
    scheduler: str | None = None
    timeout: float = 30.0  # seconds to wait for an existing cluster's scheduler

    def __call__(self, settings: Settings) -> DaskPreparer:
        return DaskPreparer(settings, self.workers, self.scheduler, self.timeout)


class DaskPreparer:
    def __init__(self, settings: Settings, workers: int = 2, scheduler: str | None = None,
                 timeout: float = 30.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dask is in requirements.txt
            raise ClusterUnavailable("cluster_no_dask") from exc
        self.settings = settings
        self._cluster = None
        try:
            if scheduler:
                self._client = Client(scheduler, timeout=f"{timeout}s")
            else:
                # One thread per worker process: the model's matrix products use the cores themselves.
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._client = Client(self._cluster)
        except OSError as exc:
            self.close()
            raise ClusterUnavailable("cluster_unreachable", scheduler=scheduler or "", error=str(exc)) from exc
        self.look_ahead = TASKS_PER_WORKER * max(1, len(self._client.scheduler_info()["workers"]))
        self._futures: OrderedDict[Path, object] = OrderedDict()
        self.tasks_per_worker: Counter[str] = Counter()  # worker address -> files it prepared

    def ahead(self, path: Path, given: DocumentMetadata) -> None:
        if path not in self._futures:
            # pure=False: a fresh task key per submission (files of the same name in different folders,
            # or a file changed since an earlier run, must never be served another task's result)
            self._futures[path] = self._client.submit(prepare_on_worker, str(path), given, self.settings,
                                                      pure=False)

    def prepared(self, path: Path, given: DocumentMetadata) -> PreparedDocument:
        self.ahead(path, given)
        future = self._futures.pop(path)
        try:
            prepared = future.result()
        except Exception as exc:  # a worker that died on the file (memory, a crash) fails that file
            raise ExtractionError("worker_failed", error=f"{type(exc).__name__}: {exc}") from exc
        self.tasks_per_worker.update(self._client.who_has([future]).get(future.key, ()))
        if isinstance(prepared, ExtractionError):
            raise prepared
        return prepared

    def close(self) -> None:
        """Cancel what was prepared ahead but never asked for (files that turned out to be duplicates)."""
        client = getattr(self, "_client", None)
        if client is not None:
            if self._futures:
                client.cancel(list(self._futures.values()))
            client.close()
        if self._cluster is not None:
            self._cluster.close()


def prepare_on_worker(path: str, given: DocumentMetadata, settings: Settings) -> PreparedDocument | ExtractionError:
    """The task a worker runs: one file, with the worker's extractor and model (loaded once each). A file
    that cannot be read is an answer, not a failed task (which the cluster would log as an error)."""
    try:
        return prepare_document(Path(path), given, settings, _extractor(settings.extract_timeout,
                                                                        settings.extract_memory_mb),
                                load_embedder(settings))
    except ExtractionError as exc:
        return exc


@functools.lru_cache(maxsize=1)
def _extractor(seconds: float, memory_mb: int) -> GuardedExtractor:
    return GuardedExtractor(seconds, memory_mb)
