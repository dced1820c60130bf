"""Benchmark: the stages of ingest measured separately on ../shared/corpus: text extraction (PDF pages/s),
chunking (passages/s) and embedding (passages/s, with the passages' mean length in model tokens).

    .venv/bin/python -m bench.ingest_stages [CORPUS_DIR]

End to end (with the catalogue and index) is `make bench`. Writes bench/results/ingest_stages.json.
"""
from __future__ import annotations

import time

from bench.reporting import corpus_argument, publish_result
from embedding import load_embedder
from index.manifest import machine
from ingest.chunking import chunk_pages
from ingest.extraction import ExtractionError
from ingest.formats import extract
from ingest.pipeline import find_files
from settings import Settings


def main() -> None:
    corpus = corpus_argument()
    settings = Settings.from_env()
    files = find_files([corpus])
    extractions, pdf_seconds, pdf_pages, other_seconds = [], 0.0, 0, 0.0
    for path in files:
        started = time.perf_counter()
        try:
            extraction = extract(path)
        except ExtractionError:
            continue
        took = time.perf_counter() - started
        if path.suffix.lower() == ".pdf":
            pdf_seconds, pdf_pages = pdf_seconds + took, pdf_pages + len(extraction.pages)
        else:
            other_seconds += took
        extractions.append(extraction)

    started = time.perf_counter()
    passages = [d.text for e in extractions for d in chunk_pages(e.pages, settings.chunk_chars,
                                                                  settings.chunk_overlap_sentences)]
    chunk_seconds = time.perf_counter() - started

    embedder = load_embedder(settings)
    tokenizer = getattr(getattr(embedder, "_model", None), "tokenizer", None)
    tokens = [len(tokenizer(p)["input_ids"]) for p in passages] if tokenizer else []
    started = time.perf_counter()
    embedder.embed_passages(passages)
    embed_seconds = time.perf_counter() - started

    result = {"machine": machine(), "model": embedder.name, "dtype": getattr(embedder, "dtype", settings.dtype),
              "batch_size": settings.batch_size, "files": len(files), "extracted": len(extractions),
              "pdf_pages": pdf_pages, "pdf_pages_per_s": round(pdf_pages / pdf_seconds, 1) if pdf_seconds else None,
              "other_files_s": round(other_seconds, 2), "passages": len(passages),
              "chunking_passages_per_s": round(len(passages) / chunk_seconds, 1),
              "mean_tokens_per_passage": round(sum(tokens) / len(tokens), 1) if tokens else None,
              "embedding_s": round(embed_seconds, 1),
              "embedding_passages_per_s": round(len(passages) / embed_seconds, 1)}
    publish_result(result, "ingest_stages")


if __name__ == "__main__":
    main()
