"""Tune hybrid fusion (method and keyword weight) on the dev/train splits in ../shared/eval.

    .venv/bin/python -m bench.tune_retrieval [--sets swefaq_superlim2:dev swequad_mc:train ...]
                                             [--chunk-chars 1000] [--out bench/results/tuning.jsonl]

Each set is indexed once through the project's own ingest; each query's candidates are fetched once
with both scores (Searcher.candidates), and every fusion setting re-ranks those same candidates.
Only the splits named here are used; the sets' other splits stay untouched for honest reporting.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from corpus.catalogue import Catalogue
from embedding import load_embedder
from evaluation.beir import load_beir
from evaluation.metrics import evaluate_run
from evaluation.retrieval import PASSAGES_PER_QUERY, build_library, ranked_documents
from index.fusion import FUSIONS
from index.manifest import machine
from index.search import Searcher
from settings import Settings

ROOT = Path(__file__).resolve().parents[1]

EVAL = ROOT.parent / "shared" / "eval"
DEFAULT_SETS = ["swefaq_superlim2:dev", "swequad_mc:train", "swequad_mc:dev", "squad_v2_sv:dev"]
WEIGHTS = [round(w, 2) for w in np.arange(0.0, 1.0001, 0.05)]
DEPTH = 200


def candidate_runs(set_name: str, split: str, settings: Settings, tmp: Path):
    beir = load_beir(EVAL / set_name, split)
    mapping = build_library(beir, settings, tmp)
    searcher = Searcher(settings, load_embedder(settings))
    catalogue = Catalogue(settings.catalogue_path)
    try:
        runs = {}
        for query_id, question in tqdm(beir.queries.items(), unit="fråga", desc=f"{set_name}:{split}",
                                       file=sys.stderr):
            candidates = searcher.candidates(question, DEPTH, mode="hybrid")
            passages = catalogue.passages([int(i) for i in candidates.ids])
            documents = np.asarray([passages[int(i)].document_id for i in candidates.ids])
            runs[query_id] = (candidates, documents)
    finally:
        catalogue.close()
    return beir, mapping, runs


def score(beir, mapping, runs, mode: str, fusion: str = "weighted", weight: float = 0.0) -> dict:
    run = {}
    for query_id, (candidates, documents) in runs.items():
        order, _ = candidates.ranked(mode, fusion, weight)
        run[query_id] = ranked_documents(list(documents[order][:PASSAGES_PER_QUERY]), mapping)
    return {k: round(v, 4) for k, v in evaluate_run(run, {q: beir.qrels[q] for q in run}, k=10).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=DEFAULT_SETS, help="set:split pairs under ../shared/eval")
    parser.add_argument("--chunk-chars", type=int, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "tuning.jsonl")
    args = parser.parse_args()
    settings = Settings.from_env()
    if args.chunk_chars:
        settings = replace(settings, chunk_chars=args.chunk_chars)
    rows = []
    for pair in args.sets:
        set_name, split = pair.split(":")
        with tempfile.TemporaryDirectory() as tmp:
            settings_here = replace(settings, data_dir=Path(tmp) / "data")
            beir, mapping, runs = candidate_runs(set_name, split, settings_here, Path(tmp))
        base = {"set": set_name, "split": split, "queries": len(runs), "chunk_chars": settings.chunk_chars,
                "model": settings.model, "machine": machine()}
        for mode in ("dense", "bm25"):
            rows.append({**base, "mode": mode, **score(beir, mapping, runs, mode)})
        for fusion in FUSIONS:
            for weight in WEIGHTS:
                rows.append({**base, "mode": "hybrid", "fusion": fusion, "keyword_weight": weight,
                             **score(beir, mapping, runs, "hybrid", fusion, weight)})
        best = max((r for r in rows if r["set"] == set_name and r["split"] == split and r["mode"] == "hybrid"),
                   key=lambda r: r["ndcg@10"])
        print(f"{set_name}:{split} dense {rows[-2 - 2 * len(WEIGHTS)]['ndcg@10']:.3f} "
              f"bm25 {rows[-1 - 2 * len(WEIGHTS)]['ndcg@10']:.3f} best hybrid {best['ndcg@10']:.3f} "
              f"({best['fusion']}, w={best['keyword_weight']})", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "a", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
