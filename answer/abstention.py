"""When to say "the library does not answer this": a logistic model over the evidence, calibrated on
real questions (bench/calibrate_abstention.py writes answer/abstention.json from ../shared/eval; the rule
type and its threshold are answer/decision.py's).

The similarity scale belongs to the embedding model, so the calibration records which model it was fitted
with; under another model only the model-independent coverage rule is used.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from answer.decision import Rule

CALIBRATION_FILE = Path(__file__).with_name("abstention.json")


@dataclass(frozen=True)
class AbstentionModel:
    model: str              # the embedding model the full rule was calibrated with
    full: Rule              # all features
    lexical: Rule     # coverage, missing, keyword_gap: for any other embedding model
    report: dict = field(default_factory=dict)

    def rule_for(self, embedding_model: str) -> Rule:
        return self.full if embedding_model == self.model else self.lexical

    def to_json(self) -> str:
        return json.dumps({"model": self.model, "full": self.full.to_dict(), "lexical": self.lexical.to_dict(),
                           "report": self.report}, ensure_ascii=False, indent=1)


def load_abstention_model(path: Path = CALIBRATION_FILE) -> AbstentionModel:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return AbstentionModel(raw["model"], Rule.from_dict(raw["full"]), Rule.from_dict(raw["lexical"]),
                           raw.get("report", {}))
