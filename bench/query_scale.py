"""Benchmark: the whole question path at 10k, 100k and 1M passages, as the app runs it.

    .venv/bin/python -m bench.query_scale [--sizes 10000,100000,1000000] [--work DIR] [CORPUS_DIR]

1. The real corpus (../shared/corpus) is ingested once with the real default model (timed: the
   end-to-end ingest figure), giving real passages with real vectors.
2. For each size, a library of that many passages is built through the real catalogue and index code
   (SQLite, `sync_index`: flat or IVF-SQ8 as the size calls for, BM25 keyword index): the real passages
   repeated, each copy's vector moved to cosine ~0.95 of the original (synthetic vectors: the index and
   the keyword postings grow as in a real archive, but the texts repeat; say so when quoting).
3. A fresh process, like the app's, loads the assistant (model once, memory-mapped index) and asks real
   Swedish questions (bench/questions.py and SweFAQ's): p50/p95 of question embedding, of retrieval
   (embedding + FAISS + BM25 + fusion + passages from the catalogue) and of the full answer (+ abstention
   and composition); answers/s with 1 and 4 threads asking at once; resident memory; sizes on disk.

Writes bench/results/query_scale.json. Builds are kept in --work (default /tmp/kalla-query-scale) and
reused by the next run.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import click
import numpy as np

from bench.questions import QUESTIONS
from bench.reporting import percentile, resident_mb
from corpus.catalogue import Catalogue, NewDocument
from corpus.records import DocumentMetadata, PassageDraft
from embedding.loader import model_identity
from index.manifest import machine
from settings import PROJECT_ROOT, Settings

RESULTS = PROJECT_ROOT / "bench" / "results" / "query_scale.json"
SWEFAQ_QUERIES = PROJECT_ROOT.parent / "shared" / "eval" / "swefaq_superlim2" / "queries.jsonl"
PASSAGES_PER_DOCUMENT = 50
NOISE = 0.33  # length of the random offset added to a copy's unit vector: cosine ~0.95 to the original
THREADED_QUESTIONS = 200


def settings_for(folder: Path) -> Settings:
    return replace(Settings.from_env(), data_dir=folder / "data")


def ingest_real_corpus(corpus: Path, folder: Path) -> dict:
    """The real corpus through the real pipeline (once; reused while the folder exists)."""
    from ingest.pipeline import Ingester

    settings = settings_for(folder)
    done = folder / "ingest.json"
    if done.is_file():
        return json.loads(done.read_text(encoding="utf-8"))
    report = Ingester(settings).add([corpus])
    with Catalogue(settings.catalogue_path) as catalogue:
        counts = catalogue.counts()
    figures = {"files": len(report.outcomes), "documents": counts["documents"], "passages": counts["passages"],
               "failed": report.count("failed"), "ingest_s": round(report.seconds, 1),
               "passages_per_s": round(counts["passages"] / report.seconds, 1)}
    done.write_text(json.dumps(figures), encoding="utf-8")
    return figures


def real_passages(settings: Settings) -> tuple[list[PassageDraft], np.ndarray]:
    model = model_identity(settings)
    with Catalogue(settings.catalogue_path) as catalogue:
        passages = [p for d in catalogue.documents() for p in catalogue.document_passages(d.id)]
        vectors = catalogue.vectors([p.id for p in passages], model, 384)
    drafts = [PassageDraft(0, p.text, p.page_number, p.page_label, p.char_start, p.char_end, p.language)
              for p in passages]
    return drafts, vectors


def build_library(size: int, source: Path, folder: Path) -> dict:
    """A library of `size` passages: the real ones repeated with moved vectors, then `sync_index`."""
    from index.sync import sync_index

    settings = settings_for(folder)
    if (folder / "built.json").is_file():
        return json.loads((folder / "built.json").read_text(encoding="utf-8"))
    drafts, vectors = real_passages(settings_for(source))
    model = model_identity(settings)
    rng = np.random.default_rng(size)
    started = time.perf_counter()
    with Catalogue(settings.catalogue_path) as catalogue:
        for first in range(0, size, PASSAGES_PER_DOCUMENT):
            count = min(PASSAGES_PER_DOCUMENT, size - first)
            picks = np.arange(first, first + count) % len(drafts)
            moved = vectors[picks] + rng.normal(scale=NOISE / np.sqrt(vectors.shape[1]),
                                                size=(count, vectors.shape[1])).astype(np.float32)
            moved /= np.linalg.norm(moved, axis=1, keepdims=True)
            with catalogue.transaction():
                document_id = catalogue.insert_document(NewDocument(
                    content_hash=f"synthetic-{size}-{first}", source_path=f"synthetic/{first}.txt",
                    stored_path="", file_name=f"{first}.txt", media_type="text/plain", size_bytes=0,
                    metadata=DocumentMetadata(title=f"Syntetiskt dokument {first // PASSAGES_PER_DOCUMENT}"),
                    language="sv", page_count=None, extractor="synthetic"), "bench")
                catalogue.insert_passages(document_id, [replace(drafts[i], ordinal=n) for n, i in enumerate(picks)],
                                          moved, model)
        catalogue_s = time.perf_counter() - started
        started = time.perf_counter()
        result = sync_index(catalogue, settings, model, vectors.shape[1])
        index_s = time.perf_counter() - started
    figures = {"catalogue_s": round(catalogue_s, 1), "index_build_s": round(index_s, 1), "passages": result.total}
    (folder / "built.json").write_text(json.dumps(figures), encoding="utf-8")
    return figures


def questions() -> list[str]:
    asked = list(QUESTIONS)
    if SWEFAQ_QUERIES.is_file():
        with SWEFAQ_QUERIES.open(encoding="utf-8") as lines:
            asked += [json.loads(line)["text"] for line in lines][:200]
    return asked


def percentiles(milliseconds: list[float]) -> dict:
    return {"p50": round(statistics.median(milliseconds), 1), "p95": round(percentile(milliseconds, 0.95), 1)}


def measure(folder: Path) -> dict:
    """In a fresh process: what the app's process does and holds at this size."""
    from answer.assistant import Assistant

    settings = settings_for(folder)
    started_mb = round(resident_mb())
    started = time.perf_counter()
    assistant = Assistant(settings)
    embedder = assistant.searcher.embedder
    published = assistant.searcher.published()
    load_s = time.perf_counter() - started
    loaded_mb = round(resident_mb())
    asked = questions()
    for question in asked[:5]:
        assistant.ask(question)  # warm up
    timings: dict[str, list[float]] = {"embedding": [], "retrieval": [], "answer": []}
    for question in asked:
        for name, call in (("embedding", lambda q=question: embedder.embed_query(q)),
                           ("retrieval", lambda q=question: assistant.searcher.search(q)),
                           ("answer", lambda q=question: assistant.ask(q))):
            t = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - t) * 1000)
    throughput = {}
    for threads in (1, 4):
        batch = (asked * (THREADED_QUESTIONS // len(asked) + 1))[:THREADED_QUESTIONS]
        t = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(assistant.ask, batch))
        throughput[f"answers_per_s_{threads}_threads"] = round(len(batch) / (time.perf_counter() - t), 1)
    version = published.path
    return {"passages": int(published.index.ntotal), "index_type": published.manifest.index_type,
            "index_params": published.manifest.index_params, "questions": len(asked),
            **{f"{name}_ms": percentiles(values) for name, values in timings.items()}, **throughput,
            "load_s": round(load_s, 1), "process_start_mb": started_mb, "after_load_mb": loaded_mb,
            "rss_mb": round(resident_mb()), "peak_rss_mb": round(resident_mb("VmHWM")),
            "index_on_disk_mb": round(sum(f.stat().st_size for f in version.iterdir()) / 2**20),
            "vectors_file_mb": round((version / "vectors.faiss").stat().st_size / 2**20)
            if (version / "vectors.faiss").exists() else None,
            "catalogue_on_disk_mb": round(settings.catalogue_path.stat().st_size / 2**20),
            "dtype": getattr(embedder, "dtype", None)}


@click.command()
@click.argument("corpus", required=False, type=click.Path(path_type=Path),
                default=PROJECT_ROOT.parent / "shared" / "corpus")
@click.option("--sizes", default="10000,100000,1000000", show_default=True)
@click.option("--work", type=click.Path(path_type=Path), default=Path("/tmp/kalla-query-scale"), show_default=True)
@click.option("--measure-only", "measure_folder", type=click.Path(path_type=Path), hidden=True)
def main(corpus: Path, sizes: str, work: Path, measure_folder: Path | None) -> None:
    if measure_folder is not None:
        print(json.dumps(measure(measure_folder)))
        return
    if not corpus.is_dir():
        sys.exit(f"{corpus} finns inte")
    work.mkdir(parents=True, exist_ok=True)
    base = work / "corpus"
    result = {"machine": machine(), "corpus": str(corpus), "ingest_of_corpus": ingest_real_corpus(corpus, base),
              "synthetic": f"real passages repeated; vectors moved to cosine ~0.95 of the originals "
                           f"({PASSAGES_PER_DOCUMENT} passages per document)", "sizes": {}}
    print(f"inläsning av korpusen: {result['ingest_of_corpus']}", flush=True)
    for size in (int(s) for s in sizes.split(",")):
        folder = work / f"n{size}"
        folder.mkdir(exist_ok=True)
        built = build_library(size, base, folder)
        measured = subprocess.run([sys.executable, __file__, "--measure-only", str(folder)], check=True,
                                  capture_output=True, text=True, env={**os.environ, "TQDM_DISABLE": "1"})
        figures = {**built, **json.loads(measured.stdout.strip().splitlines()[-1])}
        result["sizes"][str(size)] = figures
        print(f"{size} passager: {json.dumps(figures, ensure_ascii=False)}", flush=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"skrev {RESULTS}")


if __name__ == "__main__":
    main()
