"""Ranking metrics and bootstrap intervals on inputs computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evals.ranking.metrics import bootstrap, per_query, ratio_of_means


def test_hit_rate_and_ndcg_per_query() -> None:
    targets = {"a": {"x": 1}, "b": {"y": 1}, "c": {"p": 1, "q": 1}}
    ranked = {"a": ["m", "n", "x"], "b": ["m", "n"], "c": ["q", "z", "p"]}
    scores = per_query(targets, ranked)
    assert scores["hit_rate@10"].tolist() == [1.0, 0.0, 1.0]
    # a: the one relevant item at rank 3 -> 1/log2(4) = 0.5.
    # c: hits at ranks 1 and 3; ideal has them at 1 and 2.
    dcg = 1.0 + 1.0 / math.log2(4)
    ideal = 1.0 + 1.0 / math.log2(3)
    assert scores["ndcg@10"] == pytest.approx([0.5, 0.0, dcg / ideal])


def test_a_query_with_nothing_ranked_scores_zero() -> None:
    scores = per_query({"a": {"x": 1}}, {})
    assert scores["hit_rate@10"].tolist() == [0.0]


def test_bootstrap_of_a_constant_and_of_a_coin() -> None:
    flat = bootstrap(np.full(50, 0.25))
    assert (flat.mean, flat.low, flat.high) == (0.25, 0.25, 0.25)
    coin = bootstrap(np.array([0.0, 1.0] * 100), seed=3)
    assert coin.mean == 0.5
    # Standard error of a mean of 200 fair coins is 0.035: the 95% interval is about ±0.07.
    assert 0.41 < coin.low < 0.46 and 0.54 < coin.high < 0.59


def test_ratio_of_means_is_paired() -> None:
    pairs = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    assert ratio_of_means(pairs) == pytest.approx(3.0)
    estimate = bootstrap(pairs, statistic=ratio_of_means, seed=1)
    assert estimate.mean == pytest.approx(3.0)
    assert estimate.low <= 3.0 <= estimate.high
