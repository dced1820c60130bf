"""A deterministic bag-of-words embedder for plumbing tests: same text, same vector, no model."""
from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

from embedding.base import normalise_rows

WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Hashes lower-cased words (and their 5-letter prefixes) into a fixed number of dimensions."""

    name = "hashing"

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in WORD.findall(text.lower()):
            for feature in {word, word[:5]}:
                digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dimension
                sign = 1.0 if digest[4] & 1 else -1.0
                vector[bucket] += sign
        return vector

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return normalise_rows(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return normalise_rows(self._vector(text))[0]
