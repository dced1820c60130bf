"""An English question's vector moved toward where its Swedish twin would lie: the dense side across languages.

The embedding model puts an English question and its Swedish translation near each other, but not at the
same place: on average the Swedish one lies `vector` away (the mean of the Swedish questions' vectors minus
the mean of their English twins', over the tuning articles of evaluation/crosslingual.py). The search scores
a passage in the shift's target language (Swedish) against the English question's vector plus
`cross_language_shift` times that difference, renormalised; passages in the question's own language keep
the plain similarity.

The difference belongs to one embedding model: `question_shift_en_sv.json` records the model identity it
was computed with (and the factor chosen for it, the default of the setting), and it is used only where the
search's model is that one. Built by `python -m evaluation.question_shift` (docs/evaluation.md).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

SHIFT_FILE = Path(__file__).resolve().parent / "question_shift_en_sv.json"


@dataclass(frozen=True)
class QuestionShift:
    """How far a question in `source` lies from its twin in `target`, for one embedding model."""

    model: str
    source: str
    target: str
    vector: np.ndarray = field(repr=False)
    alpha: float = 1.0       # the factor chosen when it was built (recorded; the setting decides)
    provenance: str = ""     # what it was computed from

    def moved(self, query: np.ndarray, alpha: float) -> np.ndarray:
        """The query vector moved `alpha` times the shift toward the target language, of unit length."""
        moved = np.asarray(query, dtype=np.float32) + np.float32(alpha) * self.vector
        return (moved / np.linalg.norm(moved)).astype(np.float32)

    def applies(self, model: str, question_language: str) -> bool:
        return model == self.model and question_language == self.source

    def write(self, path: Path = SHIFT_FILE) -> None:
        record = {"model": self.model, "source": self.source, "target": self.target, "alpha": self.alpha,
                  "provenance": self.provenance, "vector": [round(float(x), 7) for x in self.vector]}
        Path(path).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path = SHIFT_FILE) -> QuestionShift:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(record["model"], record["source"], record["target"], np.asarray(record["vector"], np.float32),
                   float(record["alpha"]), record.get("provenance", ""))


@lru_cache(maxsize=1)
def shipped_shift() -> QuestionShift | None:
    """The shipped shift, read once (None where it has not been built)."""
    return QuestionShift.read() if SHIFT_FILE.is_file() else None
