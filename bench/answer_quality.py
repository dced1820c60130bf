"""Benchmark: answer quality, today's rules against the new ones, side by side in one run.

    .venv/bin/python -m bench.answer_quality [--sets realistic,squad,squad-en,swequad] [--no-latency | --latency-only] [--limit N]

"today" is the reader's calibration as committed before issue 27 (bench/baseline_calibration.json: one rule
for Swedish questions, another for the rest) with every question quoted as a fact; "new" is the artifact's
calibration now (one rule for every language, fitted on the realistic questions' tuning part and the SQuAD-sv
calibration articles) with answers shaped by the question (answer/question_kind.py). Both read the same
search hits with the same reader, so the difference is the decision and the quoting alone.

Sets, none of them fitted on: the hold-out part of the project's realistic questions over ../shared/corpus
(evaluation/realistic/; by kind and language), SQuAD-sv 2.0 on the articles held out from the reader's
training (Swedish questions, and SQuAD's original English questions over the same Swedish paragraphs) over
all 1,204 SQuAD-sv paragraphs, and SweQUAD-MC dev over its 521 passages. Figures per set and method:
answered (of answerable), answered with the gold (the answering sentence quoted, for the realistic set; the
gold answer stated, for the others), abstained (of unanswerable), overall correct. Latency: p50/p95 of the
whole answer at ~2.5k passages (../shared/corpus) and 100k (the real passages repeated with moved vectors, as
bench/query_scale.py builds them). Libraries are kept in bench/results/tmp/libraries.
Writes bench/results/answer_quality.json (and answer_quality_rows.jsonl: every question's outcome)."""
from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import click

from answer.assistant import Assistant
from answer.language import question_language
from answer.question_kind import question_kind
from bench.reporting import RESULTS, percentile
from evaluation.answers import (
    CORPUS_DIR,
    LIBRARIES,
    Question,
    answer_text,
    contains_gold,
    english_squad_questions,
    library_settings,
    squad_questions,
    squad_texts,
    swequad_dev_questions,
    swequad_texts,
)
from evaluation.reader_data import TEST_ARTICLES
from evaluation.realistic_set import quotes_answer, realistic_questions
from index.manifest import machine
from settings import Settings

METHODS = ("today", "new")
BASELINE = Path(__file__).resolve().parent / "baseline_calibration.json"


def held_out_realistic() -> list[Question]:
    """The hold-out part of the realistic questions, their answering sentences as golds, their kind as group."""
    return [Question(q.id, q.text, q.answerable, q.sentences, q.language, q.kind)
            for q in realistic_questions(part="holdout")]


def libraries(settings: Settings, names: list[str]) -> dict[str, tuple[Settings, list[Question]]]:
    squad = lambda: library_settings(settings, "squad-sv", squad_texts())  # noqa: E731
    plan = {"realistic": lambda: (library_settings(settings, "shared-corpus", folder=CORPUS_DIR), held_out_realistic()),
            "squad": lambda: (squad(), squad_questions()),
            "squad-en": lambda: (squad(), english_squad_questions(articles=TEST_ARTICLES)),
            "swequad": lambda: (library_settings(settings, "swequad-mc", swequad_texts()), swequad_dev_questions())}
    return {name: plan[name]() for name in names}


def assistants(settings: Settings) -> dict[str, Assistant]:
    new = Assistant(settings)
    if new.reader is None:
        sys.exit("Läsaren är inte tillgänglig (answer/reader/artifact/ och standardmodellen behövs).")
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))["calibration"]
    today = Assistant(settings, searcher=new.searcher, reader=new.reader, calibration=baseline, shaped=False)
    return {"today": today, "new": new}


def ask_all(set_name: str, settings: Settings, questions: list[Question], limit: int | None) -> list[dict]:
    """Each question searched and read once; each method decides and quotes from the same readings."""
    rows = []
    asked = assistants(settings)
    searcher, reader = asked["new"].searcher, asked["new"].reader
    for question in questions[:limit]:
        language = question_language(question.text)
        hits = searcher.search(question.text)
        readings = reader.read(question.text, [hit.passage.text for hit in hits]) if hits else []
        for method, assistant in asked.items():
            answer = assistant.decide(question.text, hits, readings, language)
            answered = not answer.abstained
            quoted = answer_text(answer)
            right = quotes_answer(quoted, question.golds) if set_name == "realistic" else \
                contains_gold(quoted, question.golds)
            rows.append({"set": set_name, "method": method, "id": question.id, "language": question.language,
                         "kind": question.group if set_name == "realistic" else question_kind(question.text),
                         "answerable": question.answerable, "answered": answered,
                         "gold": answered and question.answerable and right, "sentences": len(answer.sentences),
                         "confidence": answer.confidence})
    return rows


def scores(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    share = lambda part, whole: round(len(part) / len(whole), 3) if whole else None  # noqa: E731
    return {"questions": len(rows), "answerable": len(answerable), "unanswerable": len(unanswerable),
            "answered": share([r for r in answerable if r["answered"]], answerable),
            "contains_gold": share([r for r in answerable if r["gold"]], answerable),
            "abstained_when_unanswerable": share([r for r in unanswerable if not r["answered"]], unanswerable),
            "overall_correct": share([r for r in rows if r["gold"] or (not r["answerable"] and not r["answered"])], rows)}


def summary(rows: list[dict]) -> dict:
    out = {}
    for set_name in dict.fromkeys(r["set"] for r in rows):
        for method in METHODS:
            chosen = [r for r in rows if r["set"] == set_name and r["method"] == method]
            out[f"{set_name}/{method}"] = scores(chosen)
            if set_name == "realistic":
                for language in ("sv", "en"):
                    out[f"{set_name}/{method}/{language}"] = scores([r for r in chosen if r["language"] == language])
                for kind in sorted({r["kind"] for r in chosen}):
                    out[f"{set_name}/{method}/{kind}"] = scores([r for r in chosen if r["kind"] == kind])
    return out


def latency(settings: Settings, questions: list[Question], label: str) -> dict:
    asked = assistants(settings)
    texts = [q.text for q in questions]
    for text in texts[:3]:
        for assistant in asked.values():
            assistant.ask(text)  # warm up
    figures = {"passages": asked["new"].searcher.published().index.ntotal}
    for method, assistant in asked.items():
        timings = []
        for text in texts:
            started = time.perf_counter()
            assistant.ask(text)
            timings.append((time.perf_counter() - started) * 1000)
        figures[method] = {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(percentile(timings, 0.95), 1)}
    print(f"latens {label}: {figures}", flush=True)
    return figures


@click.command()
@click.option("--sets", default="realistic,squad,squad-en,swequad", show_default=True)
@click.option("--limit", type=int, help="Högst så här många frågor per uppsättning (för att prova skriptet).")
@click.option("--no-latency", is_flag=True, help="Hoppa över latensmätningen vid 2,5k och 100k passager.")
@click.option("--latency-only", is_flag=True, help="Mät bara latensen; kvaliteten i answer_quality.json behålls.")
def main(sets: str, limit: int | None, no_latency: bool, latency_only: bool) -> None:
    """Svarskvalitet: dagens regler mot de nya på de realistiska frågornas utelämnade del, SQuAD-sv (utelämnade
    artiklar, svenska och engelska frågor) och SweQUAD-MC dev."""
    settings = Settings.from_env()
    out = RESULTS / "answer_quality.json"
    if latency_only:
        result = json.loads(out.read_text(encoding="utf-8"))
    else:
        previous = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
        result = quality(settings, sets.split(","), limit)
        if "latency" in previous:  # until measured again below (or with --latency-only), with its own machine
            result["latency"] = previous["latency"]
            result["latency_machine"] = previous.get("latency_machine", previous.get("machine"))
        write(out, result)  # kept even if the latency measurement that follows fails
        print(json.dumps(result["scores"], indent=1, ensure_ascii=False))
    if not no_latency:
        result["latency"] = latencies(settings)
        result["latency_machine"] = this_machine()  # "machine" stays the one the quality was measured on
        write(out, result)
    print(f"skrev {out}")


def quality(settings: Settings, names: list[str], limit: int | None) -> dict:
    started = time.perf_counter()
    built = libraries(settings, names)
    rows = []
    for name, (library, questions) in built.items():
        print(f"{name}: {len(questions[:limit])} frågor …", flush=True)
        rows += ask_all(name, library, questions, limit)
        for key, value in summary([r for r in rows if r["set"] == name]).items():
            print(f"  {key}: {value}", flush=True)
    (RESULTS / "answer_quality_rows.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                                        encoding="utf-8")
    return {"machine": this_machine(), "sets": {name: {"library": str(lib.data_dir), "questions": len(q[:limit])}
                                           for name, (lib, q) in built.items()},
            "scores": summary(rows), "seconds": round(time.perf_counter() - started)}


def latencies(settings: Settings) -> dict:
    """Whole-answer latency over the realistic hold-out questions at ~2.5k passages and at 100k."""
    from bench.query_scale import build_library

    domain_library, domain = library_settings(settings, "shared-corpus", folder=CORPUS_DIR), held_out_realistic()
    figures = {"2.5k": latency(domain_library, domain, "2.5k")}
    work = LIBRARIES / "n100000"
    work.mkdir(parents=True, exist_ok=True)
    build_library(100_000, domain_library.data_dir.parent, work)
    figures["100k"] = latency(replace(settings, data_dir=work / "data"), domain, "100k")
    return figures


def this_machine() -> dict:
    """The machine, and whether its CPU has native bf16 (the reader reads in bf16 there, else in float32)."""
    from embedding.sentence import cpu_has_native_bfloat16

    return {**machine(), "native_bf16": cpu_has_native_bfloat16()}


def write(path, result: dict) -> None:
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
