"""The decision to answer, in one place: a calibrated logistic rule over named features, and its threshold.

Two rules are stored, both of this one type:
- the reader's (answer/reader/artifact/reader.json, "calibration"): over the reader's features
  (answer/reader/answering.py `reader_features`), with a second threshold for questions that cross a
  language boundary to their passages, so that those are not treated more strictly;
- the rule without the reader (answer/abstention.json): over the lexical and similarity evidence
  (answer/evidence.py), one for the embedding model it was fitted with and one lexical for any other.

The rules are fitted in evaluation/ (decision_fitting.py, reader_calibration.py) and bench/calibrate_abstention.py.
`Settings.min_confidence`, where set, replaces every threshold."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np


def logistic(z):
    """1 / (1 + e^-z), for a number or an array, without overflow."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


@dataclass(frozen=True)
class Rule:
    """Confidence = logistic(bias + Σ weight·feature); answer when it is at least the threshold."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    threshold_crossing: float | None = None  # for a question in another language than its passages

    def confidence(self, values: Mapping[str, float]) -> float:
        """The confidence for one question, its features by name."""
        return float(logistic(self.bias + sum(w * float(values[f]) for f, w in zip(self.features, self.weights))))

    def confidences(self, x: np.ndarray) -> np.ndarray:
        """The confidences for rows of features in the rule's order."""
        return logistic(np.asarray(x, dtype=np.float64) @ np.asarray(self.weights) + self.bias)

    def threshold_for(self, crossing: bool = False, override: float = 0.0) -> float:
        """The threshold to apply: `override` (Settings.min_confidence) where set, else the one for a
        question across a language boundary where the rule has one, else the rule's own."""
        if override:
            return override
        return self.threshold_crossing if crossing and self.threshold_crossing is not None else self.threshold

    def to_dict(self) -> dict:
        """As the reader's artifact stores it (weights by feature name)."""
        stored = {"features": list(self.features), "weights": dict(zip(self.features, self.weights)),
                  "bias": self.bias, "threshold": self.threshold}
        return stored if self.threshold_crossing is None else {**stored, "threshold_crossing": self.threshold_crossing}

    @classmethod
    def from_dict(cls, stored: Mapping) -> Rule:
        """From either stored form: weights as a {feature: weight} mapping (the reader's artifact) or as a
        list beside "features" (answer/abstention.json). A stored rule without weights trusts the margin."""
        weights = stored.get("weights", {"margin": 1.0})
        if isinstance(weights, Mapping):
            features, values = tuple(weights), tuple(float(w) for w in weights.values())
        else:
            features, values = tuple(stored["features"]), tuple(float(w) for w in weights)
        crossing = stored.get("threshold_crossing")
        return cls(features, values, float(stored.get("bias", 0.0)), float(stored.get("threshold", 0.5)),
                   None if crossing is None else float(crossing))


def reader_rule(calibration: Mapping, language: str) -> Rule:
    """The reader's rule for a question in `language`. An older artifact kept a separate rule for questions
    in other languages than Swedish ("cross_lingual"), which is used as it was."""
    if "cross_lingual" in calibration and language != "sv":
        return Rule.from_dict(calibration["cross_lingual"])
    return Rule.from_dict(calibration)
