"""Calibrate when the assistant abstains, on real Swedish questions with relevance judgements.

    python -m bench.calibrate_abstention [--quick] [--from-rows]

Each judged question is asked twice through the real search: once with the whole set's corpus in the
library (answerable) and once with its relevant documents excluded before retrieval (the library cannot
answer it). The evidence of both (best cosine, idf-weighted coverage) trains a logistic rule on the fit
questions, each set weighing the same, over the features that transfer best between sets (leave-one-set-out
cross-validation); precision/recall of abstaining are reported on held-out questions. Writes the rule to
answer/abstention.json and the report to bench/results/abstention.json.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import click
import numpy as np
from tqdm import tqdm

from answer.abstention import CALIBRATION_FILE, AbstentionModel
from answer.evidence import FEATURES, LEXICAL_FEATURES, gather_evidence
from corpus.filters import SearchFilters
from embedding import load_embedder
from embedding.loader import model_identity
from evaluation.beir import load_beir
from evaluation.decision_fitting import abstention_scores, fit_rule, group_weights, select_features
from evaluation.retrieval import build_library
from index.manifest import machine
from index.search import Searcher
from settings import PROJECT_ROOT, Settings

EVAL = PROJECT_ROOT.parent / "shared" / "eval"
RESULTS = PROJECT_ROOT / "bench" / "results" / "abstention.json"
ROWS = RESULTS.with_name("abstention_rows.jsonl")  # the evidence observed for every question, for refitting
# (set, split, role, which questions): fit on one part, report on questions never used in fitting
# (each set weighs the same in fitting, so the rule is not tuned to whichever set has most questions)
PLAN = [
    ("swequad_mc", "train", "fit", slice(None)),
    ("swefaq_superlim2", "dev", "fit", slice(0, None, 2)),
    ("squad_v2_sv", "dev", "fit", slice(0, 800, 2)),
    ("swequad_mc", "dev", "test", slice(None)),
    ("swefaq_superlim2", "dev", "test", slice(1, None, 2)),
    ("squad_v2_sv", "dev", "test", slice(1, 800, 2)),
]


def observe(settings: Settings, set_name: str, parts: list[tuple[str, str, slice]], quick: bool) -> list[dict]:
    """Evidence for every planned question of one set, answerable and not, from one library."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        first = load_beir(EVAL / set_name, parts[0][0])
        run_settings = replace(settings, data_dir=Path(tmp) / "data")
        mapping = build_library(first, run_settings, Path(tmp))
        catalogue_ids: dict[str, list[int]] = {}
        for catalogue_id, set_ids in mapping.items():
            for set_id in set_ids:
                catalogue_ids.setdefault(set_id, []).append(catalogue_id)
        searcher = Searcher(run_settings, load_embedder(run_settings))
        idf = searcher.published().keywords.idf
        for split, role, which in parts:
            beir = load_beir(EVAL / set_name, split)
            questions = list(beir.queries.items())[which][: 40 if quick else None]
            for query_id, question in tqdm(questions, desc=f"{set_name} {split} ({role})", file=sys.stderr):
                relevant = [c for doc, grade in beir.qrels[query_id].items() if grade > 0
                            for c in catalogue_ids.get(doc, [])]
                for answerable, filters in ((True, None), (False, SearchFilters(exclude_documents=tuple(relevant)))):
                    hits = searcher.search(question, settings.k, filters)
                    evidence = gather_evidence(question, hits, idf)
                    rows.append({"set": set_name, "split": split, "role": role, "query": query_id,
                                 "answerable": answerable, **{f: getattr(evidence, f) for f in FEATURES}})
    return rows


def report(rows: list[dict], model: AbstentionModel, features: tuple[str, ...], rule_name: str) -> dict:
    rule = getattr(model, rule_name)
    out = {}
    for name in sorted({(r["set"], r["split"]) for r in rows if r["role"] == "test"}) + [("all", "test")]:
        chosen = [r for r in rows if r["role"] == "test" and (name[0] == "all" or (r["set"], r["split"]) == name)]
        x = np.asarray([[r[f] for f in features] for r in chosen])
        answerable = np.asarray([r["answerable"] for r in chosen])
        confidence = rule.confidences(x)
        scores = abstention_scores(confidence < rule.threshold, answerable)
        out[f"{name[0]}/{name[1]}"] = {"questions": int(len(chosen) / 2),
                                       **{k: round(v, 3) for k, v in scores.items()}}
    return out


def calibrate(settings: Settings, rows: list[dict]) -> AbstentionModel:
    """Rules fitted on the fit questions, each set weighing the same, with the features chosen by
    leave-one-set-out cross-validation: all features for the calibrated model, lexical ones for others."""
    fit = [r for r in rows if r["role"] == "fit"]
    x = np.asarray([[r[f] for f in FEATURES] for r in fit])
    answerable = np.asarray([r["answerable"] for r in fit])
    groups = np.asarray([r["set"] for r in fit])
    rules, chosen = [], {}
    for name, pool in (("full", FEATURES), ("lexical", LEXICAL_FEATURES)):
        features, score = select_features(x, answerable, groups, FEATURES, pool)
        chosen[name] = {"features": list(features), "cross_validated_accuracy": round(score, 3)}
        rules.append(fit_rule(x[:, [FEATURES.index(f) for f in features]], answerable, features,
                              group_weights(groups)))
    return AbstentionModel(model_identity(settings), *rules, report={"feature_selection": chosen})


@click.command()
@click.option("--quick", is_flag=True, help="Bara 40 frågor per del (för att prova skriptet).")
@click.option("--from-rows", is_flag=True,
              help="Anpassa om från de sparade observationerna (bench/results/abstention_rows.jsonl) utan att söka.")
def main(quick: bool, from_rows: bool) -> None:
    """Kalibrera när assistenten avstår från att svara (../shared/eval) och skriv answer/abstention.json."""
    settings = Settings.from_env()
    started = time.perf_counter()
    if from_rows:
        rows = [json.loads(line) for line in ROWS.read_text(encoding="utf-8").splitlines()]
    else:
        if not EVAL.is_dir():
            raise click.ClickException(f"{EVAL} finns inte: kalibreringen behöver ../shared/eval")
        rows = []
        for set_name in dict.fromkeys(p[0] for p in PLAN):
            rows += observe(settings, set_name, [(s, r, w) for n, s, r, w in PLAN if n == set_name], quick)
    model = calibrate(settings, rows)
    fit = [r for r in rows if r["role"] == "fit"]
    summary = {"model": model.model, "fit_questions": len(fit) // 2, "fit_weighting": "each set equal",
               **model.report, "k": settings.k, "search_mode": settings.search_mode, "machine": machine(),
               "seconds": round(time.perf_counter() - started, 1),
               "full": report(rows, model, model.full.features, "full"),
               "lexical": report(rows, model, model.lexical.features, "lexical")}
    model = replace(model, report=summary)
    if not quick:
        CALIBRATION_FILE.write_text(model.to_json() + "\n", encoding="utf-8")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if not from_rows:
        ROWS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    click.echo(json.dumps({"full": model.full.__dict__, "lexical": model.lexical.__dict__},
                          default=list, ensure_ascii=False))
    for rule_name in ("full", "lexical"):
        click.echo(f"\n{rule_name}: avstå-precision / avstå-recall / svarar när svar finns")
        for name, scores in summary[rule_name].items():
            click.echo(f"  {name:<24} {scores['questions']:>4} frågor  {scores['precision']:.3f} / "
                       f"{scores['recall']:.3f} / {scores['answered_when_answerable']:.3f}")


if __name__ == "__main__":
    main()
