"""The labelled query sets of `evals/retrieval`: well-formed, and the tuning set held apart."""

from __future__ import annotations

from typing import Any

import pytest

from evals.retrieval.run import QUERIES, load_products, load_queries, qrels_for
from evals.retrieval.tune import TUNING


@pytest.fixture(scope="module")
def products() -> list[Any]:
    return load_products(None)


@pytest.mark.parametrize("path", [QUERIES, TUNING], ids=["measured", "tuning"])
def test_every_query_has_an_item_meeting_its_intent(path: Any, products: list[Any]) -> None:
    queries = load_queries(path)
    qrels = qrels_for(queries, products)  # raises on an unknown type or an unmet intent
    assert len(qrels) == len(queries) >= 50
    assert all(2 in labels.values() for labels in qrels.values())


def test_tuning_queries_are_not_the_measured_ones() -> None:
    measured, tuning = load_queries(QUERIES), load_queries(TUNING)
    assert not {q["id"] for q in measured} & {q["id"] for q in tuning}
    assert not {q["query"].lower() for q in measured} & {q["query"].lower() for q in tuning}
    assert {q["category"] for q in tuning} == {q["category"] for q in measured}
