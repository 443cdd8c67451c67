"""Reciprocal rank fusion: combines rankings without calibrating their scores."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

RRF_K = 60

Item = TypeVar("Item", bound=Hashable)


def ranks_with_ties(scored: Sequence[tuple[Item, float]]) -> list[tuple[Item, int]]:
    """1-based ranks of best-first (item, score) pairs; equal scores share the best rank.

    Lexical scores tie often (variants differing only in an option the query does not
    name): a tie carries no order, so it must not push one variant above its siblings.
    """
    out: list[tuple[Item, int]] = []
    previous: float | None = None
    rank = 0
    for position, (item, score) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = position, score
        out.append((item, rank))
    return out


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[tuple[Item, int]]],
    weights: Sequence[float] | None = None,
    k: int = RRF_K,
) -> list[tuple[Item, float]]:
    """Fuse rankings given as (item, rank): score = Σ w / (k + rank), best first.

    Equal fused scores keep the order in which items were first seen.
    """
    scores: dict[Item, float] = {}
    for i, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[i]
        for item, rank in ranking:
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
