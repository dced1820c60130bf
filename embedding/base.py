"""The `Embedder` protocol every embedding backend implements."""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from text.problems import Problem


class ModelProblem(Problem, ValueError):
    """A model file or precision the embedder cannot use."""


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; queries and passages may be treated differently."""

    name: str
    dimension: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dimension) float32, rows L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """(dimension,) float32, L2-normalised."""
        ...


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)
