"""Fitting the decision to answer (answer/decision.py's `Rule`): a logistic regression over named features,
the threshold that decides most questions right, feature selection that transfers across question sets, and
the scores of an abstention. Used by evaluation/reader_calibration.py and bench/calibrate_abstention.py."""
from __future__ import annotations

import numpy as np

from answer.decision import Rule


def fit_rule(x: np.ndarray, answerable: np.ndarray, features: tuple[str, ...],
             sample_weight: np.ndarray | None = None) -> Rule:
    """Logistic regression (L2, on standardised features), then the threshold that decides most questions
    right (abstain when unanswerable, answer when answerable: both mistakes count the same). sample_weight
    lets each question set count the same however many questions it has."""
    from scipy.optimize import minimize

    w = np.ones(len(x)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w = w / w.mean()
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z, y = (x - mean) / scale, answerable.astype(np.float64)

    def loss(theta: np.ndarray) -> float:
        logits = z @ theta[:-1] + theta[-1]
        return float(np.mean(w * (np.logaddexp(0, logits) - y * logits)) + 1e-3 * theta[:-1] @ theta[:-1])

    theta = minimize(loss, np.zeros(z.shape[1] + 1), method="L-BFGS-B").x
    weights = theta[:-1] / scale
    bias = float(theta[-1] - (mean / scale) @ theta[:-1])
    confidence = Rule(features, tuple(weights), bias, 0.5).confidences(x)
    threshold = best_threshold(confidence, answerable, w)
    return Rule(features, tuple(float(w) for w in weights), bias, threshold)


def select_features(x: np.ndarray, answerable: np.ndarray, groups: np.ndarray, features: tuple[str, ...],
                    pool: tuple[str, ...]) -> tuple[tuple[str, ...], float]:
    """The subset of `pool` whose rule transfers best to a question set it was not fitted on: for each
    subset, fit on all sets but one and measure accuracy on the one left out; the best mean wins.
    (Raw scores differ between sets, so a feature that separates well within one may mislead on another.)"""
    from itertools import combinations

    best, best_score = pool, -1.0
    for size in range(1, len(pool) + 1):
        for subset in combinations(pool, size):
            columns = x[:, [features.index(f) for f in subset]]
            scores = []
            for group in np.unique(groups):
                train, held_out = groups != group, groups == group
                rule = fit_rule(columns[train], answerable[train], subset, group_weights(groups[train]))
                confidence = rule.confidences(columns[held_out])
                scores.append(float(np.mean((confidence >= rule.threshold) == answerable[held_out])))
            if np.mean(scores) > best_score:
                best, best_score = subset, float(np.mean(scores))
    return best, best_score


def group_weights(groups: np.ndarray) -> np.ndarray:
    """Weights that make each group (question set) count the same however many questions it has."""
    names, counts = np.unique(groups, return_counts=True)
    per_group = dict(zip(names, counts))
    return np.asarray([1 / per_group[g] for g in groups])


def best_threshold(confidence: np.ndarray, answerable: np.ndarray, weight: np.ndarray) -> float:
    best, best_accuracy = 0.5, -1.0
    for threshold in np.unique(np.round(confidence, 4)):
        accuracy = float(np.average((confidence >= threshold) == answerable, weights=weight))
        if accuracy > best_accuracy:
            best, best_accuracy = float(threshold), accuracy
    return best


def abstention_scores(abstained: np.ndarray, answerable: np.ndarray) -> dict[str, float]:
    """Precision/recall/F1 of abstaining (the positive class is 'the library cannot answer')."""
    abstained, unanswerable = np.asarray(abstained, bool), ~np.asarray(answerable, bool)
    true = float(np.sum(abstained & unanswerable))
    precision = true / max(float(abstained.sum()), 1.0)
    recall = true / max(float(unanswerable.sum()), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "accuracy": float(np.mean(abstained == unanswerable)),
            "answered_when_answerable": float(np.mean(~abstained[~unanswerable])) if (~unanswerable).any() else 0.0}
