"""Fit when the reader's evidence is enough to answer, on a mix of question sets that resembles use.

The mix: the tuning part of the project's realistic questions over ../shared/corpus (evaluation/realistic/;
the hold-out part is never used here) and the SQuAD-sv calibration articles (held out from the reader's
training; answerable and adversarial unanswerable, in Swedish and in English). Each question is searched and
its top passages read as the assistant does. One logistic rule over the reader's features, for every
language, gives the probability that the answer it would quote is right (states the gold answer, or quotes
the answering sentence); the thresholds make it abstain on the same share of unanswerable questions within
and across a language boundary. Written into the artifact's reader.json as "calibration"
(`python -m evaluation.reader_calibration`, or at the end of `make train-reader`)."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from answer.reader.answering import compose_read_answer, reader_features
from answer.reader.model import CONFIG_FILE
from evaluation.answers import (
    LIBRARIES,
    answer_text,
    calibration_questions,
    contains_gold,
    english_squad_questions,
    library_settings,
    squad_texts,
)
from evaluation.decision_fitting import fit_rule
from evaluation.reader_data import CALIBRATION_ARTICLES, squad_articles
from settings import DEFAULT_MODEL, Settings

# The one rule for every language (fit_single_rule): its features, chosen by 5-fold cross-validation over
# the documents of the realistic questions' tuning part (docs/evaluation.md), and the share of unanswerable
# questions it abstains on, within and across a language boundary alike.
SINGLE_RULE_FEATURES = ("answerability", "similarity", "missing", "crossing")
TARGET_ABSTENTION = 0.80
REALISTIC_SHARE = 2 / 3  # of the weight in the fitting mix; the SQuAD-sv calibration articles have the rest


def observe(reader, searcher, questions, k: int, right=None, set_name: str = "squad") -> list[dict]:
    """Each question searched and read as the assistant does: the reader's features and whether the answer
    it would quote is right (`right(question, quoted)`: states a gold answer, by default)."""
    from answer.evidence import gather_evidence
    from answer.language import question_language
    from answer.reader.answering import crosses_languages

    right = right or (lambda question, quoted: contains_gold(quoted, question.golds))
    rows = []
    idf = searcher.published().keywords.idf
    for question in questions:
        hits = searcher.search(question.text, k)
        readings = reader.read(question.text, [hit.passage.text for hit in hits])
        evidence = gather_evidence(question.text, hits, idf)
        language = question_language(question.text)
        composed = compose_read_answer(question.text, hits, readings, language) if hits else None
        correct = bool(composed and question.answerable and right(question, answer_text(composed)))
        features = reader_features(readings, hits, evidence, crosses_languages(language, hits))
        truth = {"id": question.id, "group": question.group, "answerable": question.answerable, "right": correct,
                 "set": set_name}
        assert truth.keys().isdisjoint(features), "a feature would hide what the question is"
        rows.append({**features, **truth})
    return rows


def fit_single_rule(rows: list[dict], features: tuple[str, ...] = SINGLE_RULE_FEATURES,
                    target: float = TARGET_ABSTENTION, realistic_share: float = REALISTIC_SHARE) -> dict:
    """One logistic rule for "the quoted answer is right" over a mix of question sets (the realistic
    questions weigh `realistic_share`, the rest share what is left), and two thresholds: the confidence
    below which `target` of the mix's unanswerable questions abstain, for questions in the passages'
    language ("threshold") and across a language boundary ("threshold_crossing"), so that neither is
    treated more strictly than the other."""
    realistic = np.asarray([r["set"] == "realistic" for r in rows])
    share = realistic_share if realistic.any() and (~realistic).any() else (1.0 if realistic.all() else 0.0)
    weights = np.where(realistic, share / max(1, realistic.sum()), (1 - share) / max(1, (~realistic).sum()))
    x = np.asarray([[r[f] for f in features] for r in rows], dtype=np.float64)
    rule = fit_rule(x, np.asarray([r["right"] for r in rows], dtype=bool), features, weights)
    confidence = rule.confidences(x)
    thresholds = {}
    for name, crossing in (("threshold", 0.0), ("threshold_crossing", 1.0)):
        group = np.asarray([not r["answerable"] and r.get("crossing", 0.0) == crossing for r in rows])
        thresholds[name] = _weighted_quantile(confidence[group], weights[group], target) if group.any() else \
            _weighted_quantile(confidence[~np.asarray([r["answerable"] for r in rows])], weights[~np.asarray(
                [r["answerable"] for r in rows])], target)
    fitted = replace(rule, threshold=thresholds["threshold"], threshold_crossing=thresholds["threshold_crossing"])
    return {**fitted.to_dict(), "questions": len(rows), "target_abstention": target}


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, share: float) -> float:
    """The value at or below which `share` of the weight lies (a confidence above it answers)."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][min(len(values) - 1, int(np.searchsorted(cumulative, share - 1e-9)))])


def calibrate(settings: Settings, eval_dir: Path, artifact_dir: Path, limit: int | None = None, log=print,
              libraries: Path = LIBRARIES) -> dict:
    from answer.reader.reading import Reader
    from embedding import load_embedder
    from embedding.sentence import resolve_dtype
    from index.search import Searcher

    settings = replace(settings, model=DEFAULT_MODEL)
    questions = calibration_questions(eval_dir)
    english = english_squad_questions(eval_dir, CALIBRATION_ARTICLES)
    texts = squad_texts(eval_dir)
    name = "squad-sv"
    if limit:  # a tiny run (tests): the questions' own paragraphs only
        questions = questions[:limit]
        ids = {q.id for q in questions}
        english = [q for q in english if q.id.removesuffix("-en") in ids]
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
    adapted = "adaptation" in reader.config  # its realistic questions are only those it was not adapted on
    realistic_rows = [] if limit else observe_realistic(settings, reader, log, libraries, calibration_half=adapted)
    (Path(libraries).parent / "reader_calibration_rows.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows + english_rows + realistic_rows), encoding="utf-8")
    calibration = fit_single_rule(rows + english_rows + realistic_rows)
    config_path = Path(artifact_dir) / CONFIG_FILE
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["calibration"] = calibration
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")
    log(f"Tröskel {calibration['threshold']:.3f}, över språkgränsen {calibration['threshold_crossing']:.3f} "
        f"({len(rows) + len(english_rows)} SQuAD-sv-frågor, {len(realistic_rows)} realistiska)")
    return calibration


def observe_realistic(settings: Settings, reader, log=print, libraries: Path = LIBRARIES,
                      calibration_half: bool = False) -> list[dict]:
    """The tuning part of the project's realistic questions (evaluation/realistic/) over ../shared/corpus, or
    with `calibration_half` only the half of it that a reader adapted on the other half has not seen
    (realistic_set.adaptation_half), where ../shared/corpus is there; none otherwise."""
    from embedding import load_embedder
    from evaluation.answers import CORPUS_DIR, Question
    from evaluation.realistic_set import adaptation_half, quotes_answer, realistic_questions
    from index.search import Searcher

    if not CORPUS_DIR.is_dir():
        log(f"{CORPUS_DIR} finns inte: kalibrerar utan de realistiska frågorna")
        return []
    library = library_settings(settings, "shared-corpus", folder=CORPUS_DIR, log=log, libraries=libraries)
    tuning = [q for q in realistic_questions(part="tuning")
              if not calibration_half or adaptation_half(q.document) == "calibrate"]
    questions = [Question(q.id, q.text, q.answerable, q.sentences, q.language, q.document) for q in tuning]
    return observe(reader, Searcher(library, load_embedder(library)), questions, settings.k,
                   right=lambda question, quoted: quotes_answer(quoted, question.golds), set_name="realistic")


def main() -> None:
    """Refit the committed reader's calibration (answer/reader/artifact/reader.json) on ../shared."""
    from answer.reader.model import ARTIFACT_DIR
    from evaluation.answers import EVAL_DIR

    calibrate(Settings.from_env(), EVAL_DIR, ARTIFACT_DIR)


if __name__ == "__main__":
    main()
