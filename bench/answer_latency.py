"""Benchmark: end-to-end answer latency of the extractive path (search + evidence + abstention + compose).

    make bench-answers    (or .venv/bin/python -m bench.answer_latency [CORPUS_DIR])

The library of ../shared/corpus is kept in bench/results/tmp/answers (re-adding unchanged files costs
nothing, so only the first run ingests). Every question, and a follow-up after each, is asked through
`Assistant.ask` three times; p50/p95 are printed with the machine and corpus size and written to
bench/results/answer_latency.json.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import replace

from answer.assistant import Assistant
from bench.questions import QUESTIONS, UNANSWERABLE
from bench.reporting import corpus_argument, percentile, publish_result
from corpus.catalogue import Catalogue
from embedding import load_embedder
from index.manifest import machine
from index.search import Searcher
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT, Settings

FOLLOW_UP = "Vad säger de om kostnaderna?"
ROUNDS = 3


def main() -> None:
    corpus = corpus_argument()
    settings = replace(Settings.from_env(), data_dir=PROJECT_ROOT / "bench" / "results" / "tmp" / "answers")
    embedder = load_embedder(settings)
    Ingester(settings, embedder).add([corpus])
    catalogue = Catalogue(settings.catalogue_path)
    counts = catalogue.counts()
    catalogue.close()
    assistant = Assistant(settings, Searcher(settings, embedder))
    assistant.ask(QUESTIONS[0])  # load the index
    first, follow, abstained = [], [], 0
    for _ in range(ROUNDS):
        for question in QUESTIONS + UNANSWERABLE:
            started = time.perf_counter()
            answer = assistant.ask(question)
            first.append((time.perf_counter() - started) * 1000)
            abstained += answer.abstained
            started = time.perf_counter()
            assistant.ask(FOLLOW_UP, history=[answer.turn])
            follow.append((time.perf_counter() - started) * 1000)
    everything = first + follow
    result = {"machine": machine(), "model": embedder.name, "dtype": getattr(embedder, "dtype", settings.dtype),
              "documents": counts["documents"], "passages": counts["passages"], "k": settings.k,
              "answers": len(everything), "questions": len(QUESTIONS + UNANSWERABLE), "abstained": abstained // ROUNDS,
              "answer_ms_p50": round(statistics.median(everything), 1),
              "answer_ms_p95": round(percentile(everything, 0.95), 1),
              "question_ms_p50": round(statistics.median(first), 1),
              "follow_up_ms_p50": round(statistics.median(follow), 1)}
    publish_result(result, "answer_latency")


if __name__ == "__main__":
    main()
