"""The recipe for the English -> Swedish keyword lexicon (text/lexicon_en_sv.tsv): IBM Model 1 over parallel text.

    python -m evaluation.lexicon [--iterations 8] [--out text/lexicon_en_sv.tsv]

Parallel text, none of it from the held-out articles of the cross-lingual evaluation:
- the English SQuAD questions of the nine *tuning* articles of evaluation/crosslingual.py with their Swedish
  twins (`question_sv`), answerable or not;
- the parallel MNLI train subset (Salesforce XNLI extension: `nli/multinli.train.{en,sv}.tsv`), premise and
  hypothesis each a sentence pair.
The lexicon holds word pairs and probabilities only, no sentence of either source (SQuAD: CC BY-SA 4.0,
SQuAD-sv: Apache-2.0, the MNLI subset: BSD-3-Clause; licences beside the data).
English sides are analysed as text/translation.py analyses a question (function words out, Snowball English
stems), Swedish sides as the keyword index analyses a passage (text/analysis.py), so a translation is an
index term. Model 1 (with an empty English word that takes what nothing translates) learns t(Swedish term |
English stem) by expectation maximisation; kept are the stems seen at least MIN_COUNT times and, for each,
its Swedish terms with t >= MIN_PROBABILITY, at most MAX_TRANSLATIONS.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Sequence

import click
import numpy as np

from evaluation.answers import EVAL_DIR
from evaluation.crosslingual import QUESTIONS_FILE, TUNING_ARTICLES
from text.analysis import default_analyzer
from text.translation import LEXICON_FILE, Lexicon, english_terms

MNLI = EVAL_DIR / "extra" / "nli" / "multinli.train.{}.tsv"
NULL = ""  # the empty English word
MIN_COUNT = 2
MIN_PROBABILITY = 0.05
MAX_TRANSLATIONS = 5

Pair = tuple[list[str], list[str]]  # (English stems, Swedish terms)


def question_pairs(articles: Sequence[str] = TUNING_ARTICLES, eval_dir: Path = EVAL_DIR) -> list[tuple[str, str]]:
    """(English, Swedish) questions of the given articles (the tuning articles: never a held-out one)."""
    data = json.loads((Path(eval_dir) / QUESTIONS_FILE.relative_to(EVAL_DIR)).read_text(encoding="utf-8"))
    return [(qa["question"], qa["question_sv"]) for article in data["data"] if article["title"] in articles
            for paragraph in article["paragraphs"] for qa in paragraph["qas"] if qa.get("question_sv")]


def mnli_pairs(eval_dir: Path = EVAL_DIR) -> list[tuple[str, str]]:
    """(English, Swedish) sentences of the parallel MNLI subset, premises and hypotheses."""
    english, swedish = (_tsv_rows(Path(str(MNLI).replace(str(EVAL_DIR), str(eval_dir)).format(lang)))
                        for lang in ("en", "sv"))
    return [(e[column], s[column]) for e, s in zip(english, swedish) for column in ("premise", "hypo")]


def _tsv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def analysed(pairs: list[tuple[str, str]]) -> list[Pair]:
    analyzer = default_analyzer()
    found = [(english_terms(en), analyzer.terms(sv)) for en, sv in pairs]
    return [(en, sv) for en, sv in found if en and sv]


def model_one(pairs: list[Pair], iterations: int) -> tuple[dict[str, int], dict[tuple[str, str], float]]:
    """English stem counts and t(Swedish term | English stem), learned by EM over every co-occurring pair."""
    english_ids: dict[str, int] = {NULL: 0}
    swedish_ids: dict[str, int] = {}
    english, swedish, target = [], [], []  # one row per (English word, Swedish word) in a sentence pair
    counts: dict[str, int] = {}
    token = 0
    for en, sv in pairs:
        en_ids = [english_ids.setdefault(e, len(english_ids)) for e in [NULL, *en]]
        for e in en:
            counts[e] = counts.get(e, 0) + 1
        for s in sv:
            s_id = swedish_ids.setdefault(s, len(swedish_ids))
            english.extend(en_ids)
            swedish.extend([s_id] * len(en_ids))
            target.extend([token] * len(en_ids))
            token += 1
    english_a, swedish_a, target_a = (np.asarray(a, np.int64) for a in (english, swedish, target))
    pair_keys, pair_of_row = np.unique(english_a * len(swedish_ids) + swedish_a, return_inverse=True)
    pair_english = pair_keys // len(swedish_ids)
    t = np.full(len(pair_keys), 1.0 / len(swedish_ids))
    for _ in range(iterations):
        weight = t[pair_of_row]
        posterior = weight / np.bincount(target_a, weight)[target_a]
        expected = np.bincount(pair_of_row, posterior, minlength=len(pair_keys))
        t = expected / np.bincount(pair_english, expected, minlength=len(english_ids))[pair_english]
    english_names = {i: e for e, i in english_ids.items()}
    swedish_names = {i: s for s, i in swedish_ids.items()}
    table = {(english_names[int(k // len(swedish_ids))], swedish_names[int(k % len(swedish_ids))]): float(p)
             for k, p in zip(pair_keys, t) if p >= MIN_PROBABILITY}
    return counts, table


def lexicon(counts: dict[str, int], table: dict[tuple[str, str], float], min_count: int = MIN_COUNT,
            min_probability: float = MIN_PROBABILITY, most: int = MAX_TRANSLATIONS) -> Lexicon:
    found: dict[str, list[tuple[str, float]]] = {}
    for (english, swedish), probability in table.items():
        if english != NULL and counts.get(english, 0) >= min_count and probability >= min_probability:
            found.setdefault(english, []).append((swedish, probability))
    return Lexicon({stem: tuple(sorted(pairs, key=lambda pair: -pair[1])[:most]) for stem, pairs in found.items()})


def build(iterations: int, articles: Sequence[str] = TUNING_ARTICLES, eval_dir: Path = EVAL_DIR) -> Lexicon:
    """The lexicon learned from the questions of `articles` (tuning articles only) and the MNLI pairs."""
    if set(articles) - set(TUNING_ARTICLES):
        raise ValueError("Lexikonet lärs bara av inställningsartiklarnas frågor")
    pairs = analysed(question_pairs(articles, eval_dir) + mnli_pairs(eval_dir))
    print(f"{len(pairs)} meningspar", file=sys.stderr)
    return lexicon(*model_one(pairs, iterations))


@click.command()
@click.option("--iterations", default=8, show_default=True, help="EM-varv för IBM Model 1.")
@click.option("--out", type=click.Path(path_type=Path), default=LEXICON_FILE, show_default=True,
              help="Lexikonfilen som skrivs.")
def main(iterations: int, out: Path) -> None:
    """Bygg det engelsk-svenska ordlexikonet för nyckelordssökningen (IBM Model 1 över parallelltext).

    \b
    Exempel:
      python -m evaluation.lexicon
    """
    built = build(iterations)
    built.write(out)
    click.echo(f"{len(built.translations)} engelska ordstammar, skrev {out} ({out.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
