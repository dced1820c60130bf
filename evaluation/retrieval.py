"""Evaluate retrieval on a BEIR-layout set through the project's own ingest and search.

    python -m evaluation.retrieval --beir ../shared/eval/swefaq_superlim2 --split dev [--json]

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
from evaluation.beir import BeirSet, load_beir
from evaluation.metrics import evaluate_run
from index.manifest import machine
from index.search import MODES, Searcher
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


def ranked_documents(document_ids: list[int], mapping: dict[int, list[str]]) -> list[str]:
    """The set's document ids in the order their passages were ranked (first occurrence wins)."""
    ranked: dict[str, None] = {}
    for document_id in document_ids:
        for doc_id in mapping.get(document_id, []):
            ranked.setdefault(doc_id)
    return list(ranked)


def run_queries(beir: BeirSet, searcher: Searcher, mapping: dict[int, list[str]], mode: str,
                limit: int | None = None) -> tuple[dict[str, list[str]], float]:
    queries = list(beir.queries.items())[:limit]
    run, started = {}, time.perf_counter()
    for query_id, question in tqdm(queries, unit="fråga", desc=f"Söker ({mode})", file=sys.stderr):
        hits = searcher.search(question, PASSAGES_PER_QUERY, mode=mode)
        run[query_id] = ranked_documents([hit.document.id for hit in hits], mapping)
    return run, len(queries) / (time.perf_counter() - started)


def evaluate(folder: Path, split: str, settings: Settings, limit: int | None = None,
             modes: tuple[str, ...] = MODES) -> list[dict]:
    """One result per search mode; the set is indexed once."""
    beir = load_beir(folder, split)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(settings, data_dir=Path(tmp) / "data")
        mapping = build_library(beir, settings, Path(tmp))
        searcher = Searcher(settings, load_embedder(settings))
        for mode in modes:
            run, qps = run_queries(beir, searcher, mapping, mode, limit)
            scores = evaluate_run(run, {q: beir.qrels[q] for q in run}, k=10)
            results.append({"set": beir.name, "split": split, "mode": mode, "model": settings.model,
                            "documents": len(beir.corpus), "queries": len(run),
                            **{k: round(v, 4) for k, v in scores.items()}, "queries_per_s": round(qps, 1),
                            "chunk_chars": settings.chunk_chars, "fusion": settings.fusion,
                            "keyword_weight": settings.keyword_weight, "machine": machine()})
    return results


@click.command()
@click.option("--beir", "folder", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Mapp i BEIR-format (corpus.jsonl, queries.jsonl, qrels/<split>.tsv).")
@click.option("--split", default="dev", show_default=True, help="Vilken qrels-del som ska användas.")
@click.option("--limit", type=int, help="Använd bara de N första frågorna.")
@click.option("--mode", "mode", type=click.Choice(["all", *MODES]), default="all", show_default=True,
              help="Sökläge att mäta: hybrid, dense (bara vektorer), bm25 (bara nyckelord) eller alla tre.")
@click.option("--json", "as_json", is_flag=True, help="Skriv en JSON-rad per sökläge (för skript).")
def main(folder: Path, split: str, limit: int | None, mode: str, as_json: bool) -> None:
    """Mät sökkvaliteten (nDCG@10, recall@10, MRR@10, frågor/s) på en BEIR-mapp.

    Mängdens dokument läggs in i ett tillfälligt bibliotek med projektets egen inläsning och
    sökning (modell och inställningar från KALLA_*), och varje bedömd fråga ställs.

    \b
    Exempel:
      python -m evaluation.retrieval --beir ../shared/eval/swefaq_superlim2 --split dev
      python -m evaluation.retrieval --beir ../shared/eval/swequad_mc --mode hybrid --json
    """
    modes = MODES if mode == "all" else (mode,)
    results = evaluate(folder, split, Settings.from_env(), limit, modes)
    if as_json:
        for result in results:
            click.echo(json.dumps(result, ensure_ascii=False))
        return
    first = results[0]
    click.echo(f"{first['set']} ({split}): {first['documents']} dokument, {first['queries']} frågor, "
               f"modell {first['model']}; {first['machine']['cores']} kärnor, {first['machine']['cpu']}")
    click.echo(f"{'läge':<8} {'nDCG@10':>8} {'recall@10':>10} {'MRR@10':>8} {'frågor/s':>9}")
    for result in results:
        click.echo(f"{result['mode']:<8} {result['ndcg@10']:>8.3f} {result['recall@10']:>10.3f} "
                   f"{result['mrr@10']:>8.3f} {result['queries_per_s']:>9.1f}")


if __name__ == "__main__":
    main()
