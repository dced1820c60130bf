"""The recipe for the question shift (index/question_shift_en_sv.json): where a Swedish twin lies from its English question.

    python -m evaluation.question_shift [--alphas 0,0.25,...]

The shift is the mean of the Swedish questions' vectors minus the mean of their English twins' (`question_sv`),
over the answerable question pairs of the nine *tuning* articles of evaluation/crosslingual.py, embedded with
the settings' model (the query vectors kept beside the SQuAD-sv library). The factor (the setting
`cross_language_shift`) is chosen by cross-fitting within the tuning articles: the shift computed from one half
of them (every other article), hybrid nDCG@10 of the English questions measured on the other half, for each
factor, both ways round; the factor with the best mean is recorded in the file. No held-out article is used.
Each try is written to bench/results/question_shift_tuning.jsonl.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import click
import numpy as np

from embedding.loader import model_identity
from evaluation.answers import library_settings, squad_texts
from evaluation.crosslingual import TUNING_ARTICLES, QuestionPair, fetch_all, question_pairs, remembered_queries, scores
from index.question_shift import SHIFT_FILE, QuestionShift
from index.search import Searcher
from settings import Settings

ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
FOLDS = (TUNING_ARTICLES[0::2], TUNING_ARTICLES[1::2])
TUNING_OUT = Path(__file__).resolve().parents[1] / "bench" / "results" / "question_shift_tuning.jsonl"


def shift_of(pairs: Sequence[QuestionPair], settings: Settings, articles: Sequence[str]) -> QuestionShift:
    """The shift from the pairs of `articles` (tuning articles only)."""
    if set(articles) - set(TUNING_ARTICLES):
        raise ValueError("Förskjutningen räknas bara på inställningsartiklarnas frågor")
    chosen = [pair for pair in pairs if pair.article in articles]
    queries = remembered_queries(library_settings(settings, "squad-sv", squad_texts()))
    english = np.mean([queries.embed_query(pair.english) for pair in chosen], axis=0)
    swedish = np.mean([queries.embed_query(pair.swedish) for pair in chosen], axis=0)
    queries.save()
    return QuestionShift(model_identity(settings), "en", "sv", (swedish - english).astype(np.float32),
                         provenance=f"{len(chosen)} frågepar ur {len(articles)} inställningsartiklar (SQuAD/SQuAD-sv)")


def cross_fitted(pairs: list[QuestionPair], settings: Settings, alphas: Sequence[float]) -> list[dict]:
    """Hybrid scores per factor and question language, each fold's questions ranked with the other fold's shift."""
    rows = []
    for held in FOLDS:
        shift = shift_of(pairs, settings, [article for article in TUNING_ARTICLES if article not in held])
        chosen = [pair for pair in pairs if pair.article in held]
        for alpha in alphas:
            variant = replace(settings, cross_language_shift=alpha)
            fetched = fetch_all([q for pair in chosen for q in (pair.english, pair.swedish)], variant, shift=shift)
            for language in ("en", "sv"):
                rows.append({"held_articles": list(held), "questions": len(chosen), "alpha": alpha,
                             "question_language": language,
                             **scores(chosen, fetched, Searcher(variant, shift=shift), "hybrid", language)})
    return rows


def best_alpha(rows: list[dict]) -> float:
    """The factor with the best question-weighted mean English nDCG@10 over the folds (the smaller on a tie)."""
    totals: dict[float, float] = {}
    for row in rows:
        if row["question_language"] == "en":
            totals[row["alpha"]] = totals.get(row["alpha"], 0.0) + row["ndcg@10"] * row["questions"]
    return max(sorted(totals), key=lambda alpha: (round(totals[alpha], 6), -alpha))


@click.command()
@click.option("--alphas", default=",".join(str(a) for a in ALPHAS), show_default=True,
              help="Faktorerna som prövas, kommaseparerade.")
@click.option("--out", type=click.Path(path_type=Path), default=SHIFT_FILE, show_default=True,
              help="Filen som skrivs.")
def main(alphas: str, out: Path) -> None:
    """Räkna förskjutningen från engelska frågor till deras svenska tvillingar (inställningsartiklarna) och
    välj faktorn genom korsvalidering inom dem.

    \b
    Exempel:
      python -m evaluation.question_shift
    """
    settings = Settings.from_env()
    pairs = question_pairs()
    rows = cross_fitted(pairs, settings, [float(a) for a in alphas.split(",")])
    TUNING_OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for row in rows:
        click.echo(f"{row['alpha']:>5.2f} {row['question_language']} nDCG@10 {row['ndcg@10']:.3f} "
                   f"träff@1 {row['hit@1']:.3f} träff@5 {row['hit@5']:.3f} ({row['questions']} frågor)")
    shift = replace(shift_of(pairs, settings, TUNING_ARTICLES), alpha=best_alpha(rows))
    shift.write(out)
    click.echo(f"faktor {shift.alpha}, modell {shift.model}; skrev {out} och {TUNING_OUT}")


if __name__ == "__main__":
    main()
