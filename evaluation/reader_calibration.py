"""Fit when the reader's evidence is enough to answer, on the calibration articles (held out from training).

Each calibration question (SQuAD-sv 2.0: answerable and adversarial unanswerable) is searched in a library
of all SQuAD-sv paragraphs and its top passages read. A logistic rule over the reader's features gives the
probability that the answer it would quote is right (states a gold answer); the threshold is the one that
decides most calibration questions right (answer when the quote is right, abstain when unanswerable).
Written into the artifact's reader.json as "calibration"."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from answer.reader.answering import compose_read_answer, reader_features
from answer.reader.data import squad_articles
from answer.reader.model import CONFIG_FILE
from evaluation.answers import (
    LIBRARIES,
    answer_text,
    calibration_questions,
    contains_gold,
    english_calibration_questions,
    library_settings,
    squad_texts,
)
from settings import DEFAULT_MODEL, Settings

# The features a rule may weigh; calibrate() keeps the subset that decides best on a calibration article it
# was not fitted on (leave one article out). A question in another language than the passages shares no
# words with them, so for those the rule is chosen among the features that are not lexical.
FEATURE_POOL = ("margin", "second_margin", "answerability", "similarity", "sentence_coverage", "missing")
CROSS_LINGUAL_POOL = ("margin", "second_margin", "answerability", "similarity")


def observe(reader, searcher, questions, k: int) -> list[dict]:
    from answer.evidence import gather_evidence

    rows = []
    idf = searcher.published().keywords.idf
    for question in questions:
        hits = searcher.search(question.text, k)
        readings = reader.read(question.text, [hit.passage.text for hit in hits])
        evidence = gather_evidence(question.text, hits, idf)
        composed = compose_read_answer(question.text, hits, readings, "sv") if hits else None
        right = bool(composed and question.answerable and contains_gold(answer_text(composed), question.golds))
        features = reader_features(readings, hits, evidence)
        truth = {"id": question.id, "group": question.group, "answerable": question.answerable, "right": right}
        assert truth.keys().isdisjoint(features), "a feature would hide what the question is"
        rows.append({**features, **truth})
    return rows


def select(rows: list[dict], pool: tuple[str, ...]) -> tuple[str, ...]:
    """The subset of `pool` (at most four, with the reader's margin or answerability among them) whose rule,
    fitted on all calibration articles but one, decides best on the one left out (mean over articles)."""
    from itertools import combinations

    groups = sorted({r["group"] for r in rows})
    candidates = [c for size in range(1, 5) for c in combinations(pool, size)
                  if "margin" in c or "answerability" in c]

    def transfer(features: tuple[str, ...]) -> float:
        scores = []
        for held in groups:
            fitted = fit([r for r in rows if r["group"] != held], features)
            scores.append(score([r for r in rows if r["group"] == held], fitted)["balanced"])
        return float(np.mean(scores))

    return max(candidates, key=lambda c: (round(transfer(c), 4), -len(c))) if len(groups) > 1 else pool[:1]


def fittable(rows: list[dict]) -> bool:
    """Enough to fit and select a rule on: answerable and unanswerable questions of at least two articles."""
    return len({r["group"] for r in rows}) > 1 and {r["answerable"] for r in rows} == {True, False}


def score(rows: list[dict], rule: dict) -> dict:
    """How a fitted rule decides these rows: overall correct, answerable answered rightly, unanswerable
    abstained, and the mean of those two (what the threshold balances)."""
    features = rule["features"]
    x = np.asarray([[r[f] for f in features] for r in rows], dtype=np.float64)
    confidence = 1 / (1 + np.exp(-(x @ np.asarray([rule["weights"][f] for f in features]) + rule["bias"])))
    answered = confidence >= rule["threshold"]
    right = np.asarray([r["right"] for r in rows], dtype=bool)
    answerable = np.asarray([r["answerable"] for r in rows], dtype=bool)
    good = np.sum(right & answered) / max(1, answerable.sum())
    abstained = np.sum(~answerable & ~answered) / max(1, (~answerable).sum())
    overall = (np.sum(right & answered) + np.sum(~answerable & ~answered)) / max(1, len(rows))
    return {"overall_correct": float(overall), "answerable_correct": float(good),
            "unanswerable_abstained": float(abstained), "balanced": float((good + abstained) / 2)}


def fit(rows: list[dict], features: tuple[str, ...]) -> dict:
    """A logistic rule over `features` for "the quoted answer is right", and the threshold that balances
    the two kinds of mistake: it maximises the mean of (answerable questions answered rightly) and
    (unanswerable questions abstained on), each counting the same as the floors do."""
    from answer.abstention import fit_rule

    x = np.asarray([[r[f] for f in features] for r in rows], dtype=np.float64)
    right = np.asarray([r["right"] for r in rows], dtype=bool)
    answerable = np.asarray([r["answerable"] for r in rows], dtype=bool)
    unanswerable = ~answerable
    rule = fit_rule(x, right, features)
    confidence = 1 / (1 + np.exp(-(x @ np.asarray(rule.weights) + rule.bias)))

    def balanced(t: float) -> float:
        return (np.sum(right & (confidence >= t)) / max(1, answerable.sum())
                + np.sum(unanswerable & (confidence < t)) / max(1, unanswerable.sum())) / 2

    threshold = float(max(np.unique(confidence), key=lambda t: (balanced(t), -abs(t - 0.5))))
    fitted = {"features": list(features), "weights": dict(zip(features, rule.weights)), "bias": rule.bias,
              "threshold": threshold, "questions": len(rows)}
    scores = score(rows, fitted)
    return {**fitted, "calibration_scores": {name: round(scores[name], 3) for name in
                                             ("overall_correct", "answerable_correct", "unanswerable_abstained")}}


def calibrate(settings: Settings, eval_dir: Path, artifact_dir: Path, limit: int | None = None, log=print,
              libraries: Path = LIBRARIES) -> dict:
    from answer.reader.reading import Reader
    from embedding import load_embedder
    from embedding.sentence import resolve_dtype
    from index.search import Searcher

    settings = replace(settings, model=DEFAULT_MODEL)
    questions, english = calibration_questions(eval_dir), english_calibration_questions(eval_dir)
    texts = squad_texts(eval_dir)
    name = "squad-sv"
    if limit:  # a tiny run (tests): the questions' own paragraphs only
        questions = questions[:limit]
        ids = {q.id for q in questions}
        english = [q for q in english if q.id in ids]
        wanted = {paragraph["context"] for article in squad_articles(eval_dir) for paragraph in article["paragraphs"]
                  if any(qa["id"] in ids for qa in paragraph["qas"])}
        texts = {key: text for key, text in texts.items() if any(w in text for w in wanted)}
        name = f"squad-sv-first-{limit}"
    library = library_settings(settings, name, texts, log=log, libraries=libraries)
    reader = Reader(settings.models_dir / DEFAULT_MODEL, artifact_dir, resolve_dtype(settings.dtype))
    searcher = Searcher(library, load_embedder(library))
    log(f"Kalibrerar på {len(questions)} frågor ur {', '.join(sorted({q.group for q in questions}))} …")
    rows = observe(reader, searcher, questions, settings.k)
    english_rows = observe(reader, searcher, english, settings.k)
    (Path(libraries).parent / "reader_calibration_rows.jsonl").write_text(
        "".join(json.dumps({**r, "language": language}) + "\n" for language, part in (("sv", rows), ("en", english_rows))
                for r in part), encoding="utf-8")
    # English questions over the Swedish passages fit the rule for questions across the language boundary;
    # a tiny run without them (tests) fits it on the Swedish questions.
    crossing = english_rows if fittable(english_rows) else rows
    chosen, cross_lingual = select(rows, FEATURE_POOL), select(crossing, CROSS_LINGUAL_POOL)
    log(f"Valda särdrag: {', '.join(chosen)}; över språkgränsen ({len(crossing)} frågor): {', '.join(cross_lingual)}")
    calibration = {**fit(rows, chosen), "cross_lingual": fit(crossing, cross_lingual)}
    config_path = Path(artifact_dir) / CONFIG_FILE
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["calibration"] = calibration
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")
    log(f"Tröskel {calibration['threshold']:.3f}: {calibration['calibration_scores']}; över språkgränsen "
        f"{calibration['cross_lingual']['threshold']:.3f}: {calibration['cross_lingual']['calibration_scores']}")
    return calibration

