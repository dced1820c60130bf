"""Read a retrieval set in BEIR layout: corpus.jsonl, queries.jsonl, qrels/<split>.tsv."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BeirSet:
    name: str
    corpus: dict[str, str]  # document id -> text (title first, where there is one)
    queries: dict[str, str]  # query id -> question, only those judged in the split
    qrels: dict[str, dict[str, int]]


def load_beir(folder: Path, split: str) -> BeirSet:
    folder = Path(folder)
    qrels_path = folder / "qrels" / f"{split}.tsv"
    if not qrels_path.is_file():
        available = sorted(p.stem for p in (folder / "qrels").glob("*.tsv"))
        raise FileNotFoundError(f"{qrels_path} finns inte (delar som finns: {', '.join(available) or 'inga'})")
    qrels: dict[str, dict[str, int]] = {}
    with open(qrels_path, encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if not row or row[0] == "query-id":
                continue
            qrels.setdefault(row[0], {})[row[1]] = int(float(row[2]))
    corpus = {}
    for entry in _jsonl(folder / "corpus.jsonl"):
        title, text = (entry.get("title") or "").strip(), (entry.get("text") or "").strip()
        corpus[str(entry["_id"])] = f"{title}\n\n{text}" if title else text
    queries = {str(e["_id"]): e["text"] for e in _jsonl(folder / "queries.jsonl") if str(e["_id"]) in qrels}
    return BeirSet(folder.name, corpus, queries, qrels)


def _jsonl(path: Path):
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
