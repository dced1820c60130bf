"""Fuse dense and keyword results into one ranking.

Both sides are scored exactly for every candidate either side found (cosine from the stored vector,
BM25 from the keyword index), then combined as a convex sum of the normalised scores:
    fused = (1 - w) * (cos - min cos) / (max cos - min cos) + w * bm25 / max bm25
The keyword weight w is one number, or one per candidate (index/language.py: less where the passage is
in another language than the question). Reciprocal rank fusion is kept for comparison (`KALLA_FUSION=rrf`).
"""
from __future__ import annotations

import numpy as np

from settings import Fusion

RRF_K = 60

Weight = float | np.ndarray  # the keyword weight: one for all candidates, or one per candidate


def weighted_fusion(similarity: np.ndarray, keyword: np.ndarray, keyword_weight: Weight) -> np.ndarray:
    """Fused scores of candidates, given each candidate's cosine similarity and BM25 score."""
    spread = float(similarity.max() - similarity.min()) if len(similarity) else 0.0
    dense_part = (similarity - similarity.min()) / spread if spread > 0 else np.ones_like(similarity)
    top_keyword = float(keyword.max()) if len(keyword) else 0.0
    keyword_part = keyword / top_keyword if top_keyword > 0 else np.zeros_like(keyword)
    return (1 - keyword_weight) * dense_part + keyword_weight * keyword_part


def reciprocal_rank_fusion(similarity: np.ndarray, keyword: np.ndarray, keyword_weight: Weight) -> np.ndarray:
    """Weighted RRF over the two rankings of the same candidates (a BM25 score of 0 is no rank)."""
    weight = np.broadcast_to(np.asarray(keyword_weight, dtype=np.float64), similarity.shape)
    fused = (1 - weight) / (RRF_K + _ranks(similarity))
    matched = keyword > 0
    fused[matched] += weight[matched] / (RRF_K + _ranks(keyword)[matched])
    return fused


def _ranks(scores: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks


FUSIONS = {Fusion.WEIGHTED: weighted_fusion, Fusion.RRF: reciprocal_rank_fusion}
