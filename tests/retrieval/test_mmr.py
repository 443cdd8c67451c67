"""MMR: plain ranking at λ = 1, variety below it."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.mmr import mmr

# Two near-identical items (0, 1) ahead of a different one (2).
RELEVANCE = np.array([0.9, 0.85, 0.6])
SIMILARITY = np.array([[1.0, 0.98, 0.1], [0.98, 1.0, 0.1], [0.1, 0.1, 1.0]])


def test_lambda_one_is_ranking_by_relevance() -> None:
    assert mmr(RELEVANCE, SIMILARITY, 3, lambda_=1.0) == [0, 1, 2]


def test_a_near_duplicate_gives_way_to_a_different_item() -> None:
    # After 0: item 1 is worth 0.5*0.85 - 0.5*0.98 < 0; item 2 is 0.5*0.6 - 0.5*0.1 > 0.
    assert mmr(RELEVANCE, SIMILARITY, 2, lambda_=0.5) == [0, 2]


def test_k_larger_than_candidates_and_bad_input() -> None:
    assert sorted(mmr(RELEVANCE, SIMILARITY, 10)) == [0, 1, 2]
    assert mmr(np.zeros(0), np.zeros((0, 0)), 3) == []
    with pytest.raises(ValueError, match="lambda_"):
        mmr(RELEVANCE, SIMILARITY, 2, lambda_=1.5)
    with pytest.raises(ValueError, match="3x3"):
        mmr(RELEVANCE, np.eye(2), 2)
