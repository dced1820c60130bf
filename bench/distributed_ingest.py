"""Benchmark: ingest of ../shared/corpus in one process against a local Dask cluster of N workers.

    .venv/bin/python -m bench.distributed_ingest [CORPUS_DIR] [--workers 2]

Both runs use the real default model and write a fresh library; the figures include starting the
cluster and loading the model in each worker. On one machine the workers share its cores, so this
shows the overhead of the distributed path; the gain comes from adding machines (see docs/operations.md, *Large archives*).
Writes bench/results/distributed_ingest.json.
"""
from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from bench.reporting import corpus_argument, publish_result
from corpus.catalogue import Catalogue
from index.manifest import machine
from ingest.distributed import DaskPreparers
from ingest.pipeline import Ingester
from settings import Settings


def ingest(corpus: Path, folder: Path, preparers=None) -> dict:
    settings = replace(Settings.from_env(), data_dir=folder)
    report = Ingester(settings, preparers=preparers).add([corpus])
    with Catalogue(settings.catalogue_path) as catalogue:
        counts = catalogue.counts()
    return {"seconds": round(report.seconds, 1), "documents": counts["documents"], "passages": counts["passages"],
            "passages_per_s": round(counts["passages"] / report.seconds, 1), "failed": report.count("failed")}


def main() -> None:
    workers = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 2
    sys.argv = [a for i, a in enumerate(sys.argv) if a != "--workers" and sys.argv[i - 1] != "--workers"]
    corpus = corpus_argument()
    with tempfile.TemporaryDirectory() as tmp:
        single = ingest(corpus, Path(tmp) / "single")
        cluster = ingest(corpus, Path(tmp) / "cluster", DaskPreparers(workers=workers))
    publish_result({"machine": machine(), "corpus": str(corpus), "single_process": single,
                    f"dask_{workers}_workers": cluster}, "distributed_ingest")


if __name__ == "__main__":
    main()
