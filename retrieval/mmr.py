"""Maximal marginal relevance: a top-k that trades a little relevance for variety."""

from __future__ import annotations

import numpy as np


def mmr(relevance: np.ndarray, similarity: np.ndarray, k: int, lambda_: float = 0.7) -> list[int]:
    """Pick `k` indices greedily by λ·relevance − (1−λ)·(max similarity to those picked).

    (Carbonell and Goldstein, 1998.) λ = 1 is plain ranking by relevance; smaller λ favours
    items unlike the ones already chosen.

    Args:
        relevance: One score per candidate, ideally in [0, 1] like `similarity`.
        similarity: Candidate-by-candidate similarity matrix.
        k: How many to pick (fewer when there are fewer candidates).
        lambda_: Weight of relevance against redundancy, in [0, 1].

    Returns:
        Indices into `relevance`, in pick order.
    """
    if not 0.0 <= lambda_ <= 1.0:
        raise ValueError(f"lambda_ must be within [0, 1], got {lambda_}")
    n = len(relevance)
    if similarity.shape != (n, n):
        raise ValueError(f"similarity must be {n}x{n}, got {similarity.shape}")
    chosen: list[int] = []
    if n == 0 or k <= 0:
        return chosen
    redundancy = np.full(n, -np.inf)
    left = np.ones(n, dtype=bool)
    for _ in range(min(k, n)):
        penalty = np.where(np.isfinite(redundancy), redundancy, 0.0)
        value = lambda_ * relevance - (1.0 - lambda_) * penalty
        value[~left] = -np.inf
        best = int(np.argmax(value))
        chosen.append(best)
        left[best] = False
        redundancy = np.maximum(redundancy, similarity[best])
    return chosen
