"""Read passages for a question: per passage, how strongly it answers the question and where (a character
span of the passage), with SQuAD 2.0's rule that the best span must beat "no answer" (the <s> token)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from answer.reader.model import ARTIFACT_DIR, CONFIG_FILE, WEIGHTS_FILE, apply_state, load_base

MAX_ANSWER_TOKENS = 40
ALTERNATIVES = 20  # the next best spans kept per passage (they may lie in another sentence)


@dataclass(frozen=True)
class TokenScores:
    """The reader's start and end logits over the passage tokens of one window, with each token's character
    offsets in the passage and the window's no-answer score: what a sentence's own evidence is read from."""
    start: np.ndarray
    end: np.ndarray
    offsets: np.ndarray  # (tokens, 2)
    null: float

    def best_margin_within(self, first: int, last: int) -> float:
        """The margin (over no answer) of the best span lying within characters [first, last) of the
        passage: how strongly the reader takes that stretch of text (a sentence) to answer the question;
        -inf where the window holds none of it."""
        inside = (self.offsets[:, 0] >= first) & (self.offsets[:, 1] <= last)
        if not inside.any():
            return float("-inf")
        starts, ends = self.start[inside], self.end[inside]
        best_start_so_far = np.maximum.accumulate(starts)  # a span starts at or before where it ends
        return float(np.max(best_start_so_far + ends)) - self.null


@dataclass(frozen=True)
class Reading:
    """What the reader found in one passage. `margin` = best span score - no-answer score (positive: the
    passage answers the question); `start`/`end` are character offsets of that span in the passage;
    `answerable` is the answerability head's logit for that window (positive: it answers); `alternatives`
    are the next best spans of that window as (margin, start, end), best first."""
    passage: int
    margin: float
    start: int
    end: int
    answerable: float = 0.0
    alternatives: tuple[tuple[float, int, int], ...] = ()
    tokens: TokenScores | None = field(default=None, compare=False, repr=False)

    def span_of(self, text: str) -> str:
        return text[self.start:self.end]


class Reader:
    def __init__(self, base_folder: Path, artifact_dir: Path = ARTIFACT_DIR, dtype: str = "float32") -> None:
        self.config = json.loads((Path(artifact_dir) / CONFIG_FILE).read_text(encoding="utf-8"))
        torch_dtype = torch.bfloat16 if dtype == "bfloat16" else torch.float32
        self.model, self.tokenizer = load_base(Path(base_folder), torch_dtype)
        from safetensors.torch import load_file

        apply_state(self.model, load_file(str(Path(artifact_dir) / WEIGHTS_FILE)))
        self.model.eval()
        self.max_length = int(self.config.get("max_length", 256))
        self.stride = int(self.config.get("stride", 96))

    @property
    def calibration(self) -> dict:
        return self.config.get("calibration", {})

    @torch.inference_mode()
    def read(self, question: str, passages: Sequence[str]) -> list[Reading]:
        """One reading per passage (its best window when a passage is longer than one)."""
        if not passages:
            return []
        encoded = self.tokenizer([question] * len(passages), list(passages), truncation="only_second",
                                 max_length=self.max_length, stride=self.stride, return_overflowing_tokens=True,
                                 return_offsets_mapping=True, padding=True, return_tensors="pt")
        start_logits, end_logits, answerable = self.model(encoded["input_ids"], encoded["attention_mask"])
        best: dict[int, Reading] = {}
        for window in range(start_logits.shape[0]):
            passage = int(encoded["overflow_to_sample_mapping"][window])
            sequence = encoded.sequence_ids(window)
            context = np.asarray([s == 1 for s in sequence] + [False] * (start_logits.shape[1] - len(sequence)))
            reading = _best_span(start_logits[window].numpy(), end_logits[window].numpy(), context,
                                 encoded["offset_mapping"][window].tolist(), passage, float(answerable[window]))
            if reading and (passage not in best or reading.margin > best[passage].margin):
                best[passage] = reading
        return [best.get(i, Reading(i, -100.0, 0, 0, -100.0)) for i in range(len(passages))]


def _best_span(start: np.ndarray, end: np.ndarray, context: np.ndarray, offsets: list, passage: int,
               answerable: float) -> Reading | None:
    if not context.any():
        return None
    null = float(start[0] + end[0])
    masked_start = np.where(context, start, -np.inf)
    masked_end = np.where(context, end, -np.inf)
    scores = masked_start[:, None] + masked_end[None, :]
    length = len(start)
    i, j = np.indices((length, length))
    scores[(j < i) | (j - i >= MAX_ANSWER_TOKENS)] = -np.inf
    flat = scores.ravel()
    top = np.argpartition(-flat, min(ALTERNATIVES, flat.size - 1))[:ALTERNATIVES + 1]
    top = [int(f) for f in top[np.argsort(-flat[top], kind="stable")] if np.isfinite(flat[f])]
    spans = [(float(flat[f]) - null, int(offsets[f // length][0]), int(offsets[f % length][1])) for f in top]
    tokens = TokenScores(start[context], end[context], np.asarray(offsets)[context], null)
    return Reading(passage, *spans[0], answerable, tuple(spans[1:]), tokens)
