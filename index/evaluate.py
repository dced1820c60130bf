"""Evaluate retrieval on a BEIR-layout set through the project's own ingest and search.

    python -m index.evaluate --beir ../shared/eval/swefaq_superlim2 --split dev [--json]

The set's corpus is written out as text files, ingested into a temporary library with the configured
model and settings, and every judged query is run through `Searcher`. Passages are mapped back to
their documents (first occurrence wins) to rank documents.
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import click
from tqdm import tqdm

from embedding import load_embedder
from index.beir import BeirSet, load_beir
from index.metrics import evaluate_run
from index.search import Searcher
from ingest.pipeline import Ingester
from settings import Settings

PASSAGES_PER_QUERY = 50
SAFE = re.compile(r"[^A-Za-z0-9_-]")


def build_library(beir: BeirSet, settings: Settings, folder: Path) -> dict[int, list[str]]:
    """Ingest the set's corpus; return catalogue document id -> the set's document ids."""
    docs = folder / "docs"
    docs.mkdir(parents=True)
    file_to_id = {}
    for n, (doc_id, text) in enumerate(beir.corpus.items()):
        name = f"{n:06d}_{SAFE.sub('_', doc_id)[:40]}.txt"
        (docs / name).write_text(text, encoding="utf-8")
        file_to_id[name] = doc_id
    with tqdm(total=len(file_to_id), unit="dok", desc="Indexerar", file=sys.stderr) as bar:
        report = Ingester(settings, load_embedder(settings)).add([docs], on_file=lambda *_: bar.update(1))
    mapping: dict[int, list[str]] = {}
    for outcome in report.outcomes:
        if outcome.document_id is not None:
            mapping.setdefault(outcome.document_id, []).append(file_to_id[Path(outcome.path).name])
    return mapping


def run_queries(beir: BeirSet, searcher: Searcher, mapping: dict[int, list[str]],
                limit: int | None = None) -> tuple[dict[str, list[str]], float]:
    queries = list(beir.queries.items())[:limit]
    run, started = {}, time.perf_counter()
    for query_id, question in tqdm(queries, unit="fråga", desc="Söker", file=sys.stderr):
        ranked: list[str] = []
        for hit in searcher.search(question, PASSAGES_PER_QUERY):
            for doc_id in mapping.get(hit.document.id, []):
                if doc_id not in ranked:
                    ranked.append(doc_id)
        run[query_id] = ranked
    return run, len(queries) / (time.perf_counter() - started)


def evaluate(folder: Path, split: str, settings: Settings, limit: int | None = None) -> dict:
    beir = load_beir(folder, split)
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(settings, data_dir=Path(tmp) / "data")
        mapping = build_library(beir, settings, Path(tmp))
        run, qps = run_queries(beir, Searcher(settings, load_embedder(settings)), mapping, limit)
    qrels = {q: beir.qrels[q] for q in run}
    scores = evaluate_run(run, qrels, k=10)
    return {"set": beir.name, "split": split, "model": settings.model, "mode": "dense",
            "documents": len(beir.corpus), "queries": len(run), **{k: round(v, 4) for k, v in scores.items()},
            "queries_per_s": round(qps, 1), "chunk_chars": settings.chunk_chars}


@click.command()
@click.option("--beir", "folder", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Mapp i BEIR-format (corpus.jsonl, queries.jsonl, qrels/<split>.tsv).")
@click.option("--split", default="dev", show_default=True, help="Vilken qrels-del som ska användas.")
@click.option("--limit", type=int, help="Använd bara de N första frågorna.")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON (för skript).")
def main(folder: Path, split: str, limit: int | None, as_json: bool) -> None:
    """Mät sökkvaliteten (nDCG@10, recall@10, MRR@10, frågor/s) på en BEIR-mapp.

    \b
    Exempel:
      python -m index.evaluate --beir ../shared/eval/swefaq_superlim2 --split dev
    """
    result = evaluate(folder, split, Settings.from_env(), limit)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        click.echo(f"{key:>14}: {value}")


if __name__ == "__main__":
    main()
