"""Hard negatives for the reader, mined with the real search: a training question paired with a passage the
search ranks near the top for it that does not answer it. In use the reader reads the top passages of a
search, most of which do not answer the question; passages chosen the same way teach it to say so.

Only passages of the training articles are taken (never those of the calibration or test articles, nor of the
SQuAD-sv articles kept apart), never the question's own paragraph, and for an answerable question never a
passage that holds one of its answers."""
from __future__ import annotations

import json
import random
from pathlib import Path

from evaluation.answers import library_key, safe_key
from evaluation.reader_data import Example, split_articles, squad_articles, squad_examples

CORPUS_FILE = "squad_v2_sv/corpus.jsonl"


def article_of_documents(eval_dir: Path) -> dict[str, str]:
    """The SQuAD-sv corpus id (as the benchmark library names its files) of every paragraph: its article."""
    found = {}
    for line in (Path(eval_dir) / CORPUS_FILE).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            found[safe_key(row["_id"])] = row.get("title", "")
    return found


def mined_negatives(searcher, eval_dir: Path, per_question: int, k: int = 5, seed: int = 13,
                    limit: int | None = None, log=print) -> list[Example]:
    """Up to `per_question` negatives for each training question of SQuAD-sv (answerable or not): passages
    of training articles among its top `k` search hits, other than its own paragraph's."""
    train, _, _ = split_articles(squad_articles(eval_dir))
    titles = {a["title"] for a in train}
    article_of = article_of_documents(eval_dir)
    rng = random.Random(seed)
    examples = squad_examples(train)
    if limit:
        examples = rng.sample(examples, min(limit, len(examples)))
    golds = _golds_by_question(train)
    found = []
    for number, example in enumerate(examples):
        taken = 0
        for hit in searcher.search(example.question, k):
            if taken == per_question:
                break
            text = hit.passage.text
            if article_of.get(library_key(hit.document.file_name)) not in titles:
                continue
            if text.strip() in example.context or example.context in text:
                continue  # its own paragraph
            if any(g.lower() in text.lower() for g in golds.get((example.question, example.context), ())):
                continue
            found.append(Example(example.question, text, None, "", example.group, "mined"))
            taken += 1
        if (number + 1) % 1000 == 0:
            log(f"  {number + 1}/{len(examples)} frågor sökta, {len(found)} negativ")
    return found


def _golds_by_question(articles: list[dict]) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(qa["question"], paragraph["context"]): tuple(a["text"] for a in qa.get("answers", []) if a["text"].strip())
            for article in articles for paragraph in article["paragraphs"] for qa in paragraph["qas"]}
