"""MinHash signatures over word 5-shingles: estimated resemblance (Jaccard) of two texts."""
from __future__ import annotations

import hashlib
import re

import numpy as np

PERMUTATIONS = 128
SHINGLE_WORDS = 5
PRIME = np.uint64((1 << 31) - 1)  # a * x + b stays below 2^63 for x, a, b < 2^31
_RANDOM = np.random.default_rng(20261123)  # fixed: signatures stored today must compare with tomorrow's
_A = _RANDOM.integers(1, int(PRIME), PERMUTATIONS, dtype=np.uint64)
_B = _RANDOM.integers(0, int(PRIME), PERMUTATIONS, dtype=np.uint64)
WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> np.ndarray:
    """31-bit hashes of the overlapping five-word sequences of the text (lower-cased words only)."""
    words = WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        words = words + [""] * (SHINGLE_WORDS - len(words))
    grams = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    digests = [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams]
    return np.asarray(digests, dtype=np.uint64) % PRIME


def signature(text: str) -> np.ndarray:
    """The MinHash signature: for each of 128 random permutations, the smallest permuted shingle."""
    values = shingles(text)
    out = np.empty(PERMUTATIONS, dtype=np.uint64)
    for start in range(0, len(values), 4096):  # bounded memory for book-length texts
        block = values[start:start + 4096]
        permuted = (_A[:, None] * block[None, :] + _B[:, None]) % PRIME
        least = permuted.min(axis=1)
        out = least if start == 0 else np.minimum(out, least)
    return out


def resemblance(signatures: np.ndarray, sig: np.ndarray) -> np.ndarray | float:
    """Estimated Jaccard resemblance of the shingle sets: of one signature with another, or with each row."""
    return np.mean(np.asarray(signatures) == np.asarray(sig, dtype=np.uint64), axis=-1)
