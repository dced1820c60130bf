"""Benchmark: ingest ../shared/corpus with the real default model, then query latency.

Prints the machine, corpus size and figures, and writes bench/results/ingest_and_query.json.
Run: make bench   (or .venv/bin/python -m bench.ingest_and_query [CORPUS_DIR])
"""
from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.questions import QUESTIONS
from bench.reporting import corpus_argument, percentile, publish_result
from corpus.catalogue import Catalogue
from embedding import load_embedder
from index.manifest import machine
from index.search import Searcher
from ingest.pipeline import Ingester
from settings import Settings


def main() -> None:
    corpus = corpus_argument()
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(Settings.from_env(), data_dir=Path(tmp) / "data")
        started = time.perf_counter()
        embedder = load_embedder(settings)
        model_load = time.perf_counter() - started

        report = Ingester(settings, embedder).add([corpus])
        catalogue = Catalogue(settings.catalogue_path)
        counts = catalogue.counts()
        pages = sum(d.page_count or 0 for d in catalogue.documents())
        catalogue.close()

        searcher = Searcher(settings, embedder)
        searcher.search(QUESTIONS[0])  # load the index
        latencies = []
        for _ in range(5):
            for question in QUESTIONS:
                t = time.perf_counter()
                searcher.search(question)
                latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    result = {
        "machine": machine(), "model": embedder.name, "dtype": getattr(embedder, "dtype", settings.dtype),
        "corpus": str(corpus), "files": len(report.outcomes), "documents": counts["documents"],
        "pdf_pages": pages, "passages": counts["passages"], "failed": report.count("failed"),
        "model_load_s": round(model_load, 2), "ingest_s": round(report.seconds, 2),
        "passages_per_s": round(counts["passages"] / report.seconds, 1),
        "query_ms_p50": round(statistics.median(latencies), 1),
        "query_ms_p95": round(percentile(latencies, 0.95), 1),
        "queries": len(latencies),
    }
    publish_result(result, "ingest_and_query")


if __name__ == "__main__":
    main()
