"""Benchmark: the vector index alone at 10k, 100k and 1M passages, flat (exact) against IVF-SQ8.

    .venv/bin/python -m bench.index_scale [--sizes 10000,100000,1000000] [--dimension 384]

The vectors are synthetic (unit vectors around 2000 topics, 384 dimensions like multilingual-e5-small);
the queries are unit vectors at cosine 0.85 from stored ones (questions resemble the passages that answer
them). Only the FAISS part of a query is timed here: question embedding (~43 ms on this machine, see
make bench) and BM25 are measured elsewhere. For each size and kind: build seconds, p50/p95 latency of
one query, queries/s with 1 and 4 threads asking at once, recall@10 against exact search, size on disk,
and the resident memory the index adds. Writes bench/results/index_scale.json.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
import faiss
import numpy as np

from bench.reporting import resident_mb
from index.kinds import IndexPlan, exact_top, near, new_index, plan_for, search_parameters, training_size, tune_nprobe
from index.manifest import machine
from settings import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results" / "index_scale.json"
QUERIES = 300
TOPICS = 2000


def synthetic(count: int, dimension: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(TOPICS, dimension)).astype(np.float32)
    out = np.empty((count, dimension), dtype=np.float32)
    for start in range(0, count, 100_000):
        n = min(100_000, count - start)
        block = centres[rng.integers(TOPICS, size=n)] + 0.9 * rng.normal(size=(n, dimension)).astype(np.float32)
        out[start:start + n] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def timed_queries(index, nprobe: int, queries: np.ndarray, threads: int) -> tuple[list[float], float]:
    def one(q: np.ndarray) -> float:
        started = time.perf_counter()
        index.search(q[None, :], 50, params=search_parameters(index, nprobe, None))
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        latencies = list(pool.map(one, queries))
    return latencies, len(queries) / (time.perf_counter() - started)


def measure(vectors: np.ndarray, plan: IndexPlan, queries: np.ndarray, exact: np.ndarray) -> dict:
    ids = np.arange(len(vectors), dtype=np.int64)
    vectors_of = lambda chosen: vectors[chosen]  # noqa: E731
    before = resident_mb()
    started = time.perf_counter()
    training = vectors[np.random.default_rng(1).choice(len(vectors), training_size(plan, len(vectors)),
                                                       replace=False)] if plan.kind == "ivf" else None
    index = new_index(plan, vectors.shape[1], training)
    for start in range(0, len(vectors), 100_000):
        index.add_with_ids(vectors[start:start + 100_000], ids[start:start + 100_000])
    nprobe, tuned_recall = tune_nprobe(index, ids, vectors_of) if plan.kind == "ivf" else (1, 1.0)
    build = time.perf_counter() - started
    faiss.omp_set_num_threads(1)  # one query per thread, as the app serves them
    single, _ = timed_queries(index, nprobe, queries, 1)
    _, qps1 = timed_queries(index, nprobe, queries, 1)
    _, qps4 = timed_queries(index, nprobe, queries, 4)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    _, found = index.search(queries, 10, params=search_parameters(index, nprobe, None))
    recall = float(np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact)]))
    with tempfile.TemporaryDirectory() as folder:
        faiss.write_index(index, str(Path(folder) / "v.faiss"))
        disk = (Path(folder) / "v.faiss").stat().st_size
    return {"kind": plan.name, "nprobe": nprobe, "build_s": round(build, 1),
            "p50_ms": round(float(np.percentile(single, 50)), 2), "p95_ms": round(float(np.percentile(single, 95)), 2),
            "qps_1_thread": round(qps1, 1), "qps_4_threads": round(qps4, 1),
            "recall_at_10": round(recall, 3), "tuned_recall_at_10": round(tuned_recall, 3),
            "disk_mb": round(disk / 2**20, 1), "resident_mb_added": round(resident_mb() - before, 1)}


@click.command()
@click.option("--sizes", default="10000,100000,1000000", show_default=True, help="Antal passager, kommaseparerat.")
@click.option("--dimension", default=384, show_default=True)
def main(sizes: str, dimension: int) -> None:
    """Mät vektorindexet (exakt och IVF-SQ8) vid olika storlekar på syntetiska vektorer."""
    results = {"machine": machine(), "faiss": faiss.__version__, "dimension": dimension, "vectors": "synthetic",
               "queries": QUERIES, "sizes": []}
    for size in (int(s) for s in sizes.split(",")):
        vectors = synthetic(size, dimension)
        rng = np.random.default_rng(7)
        queries = near(vectors[rng.choice(size, QUERIES, replace=False)], rng)
        exact = exact_top(queries, np.arange(size, dtype=np.int64), lambda chosen, vectors=vectors: vectors[chosen], 10)
        row = {"passages": size, "flat": measure(vectors, IndexPlan("flat"), queries, exact),
               "ivf": measure(vectors, plan_for(size, 1), queries, exact)}
        results["sizes"].append(row)
        for kind in ("flat", "ivf"):
            figures = row[kind]
            click.echo(f"{size:>9} {figures['kind']:<14} bygg {figures['build_s']:>6} s  p50 {figures['p50_ms']:>7} ms  "
                       f"p95 {figures['p95_ms']:>7} ms  {figures['qps_1_thread']:>7}/{figures['qps_4_threads']:>7} q/s "
                       f"(1/4 trådar)  recall@10 {figures['recall_at_10']:.3f}  {figures['disk_mb']} MB på disk  "
                       f"+{figures['resident_mb_added']} MB minne")
        del vectors
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    click.echo(f"maskin: {results['machine']}\nskrev {RESULTS}")


if __name__ == "__main__":
    main()
