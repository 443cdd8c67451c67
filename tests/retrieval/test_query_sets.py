"""The labelled query sets of `evals/retrieval`: well-formed, the tuning set held apart, and
hybrid search at least as good as either channel on the measured one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.retrieval.run import (
    QUERIES,
    against_target,
    evaluate,
    load_products,
    load_queries,
    qrels_for,
)
from evals.retrieval.tune import TUNING
from retrieval.chroma import make_client
from retrieval.search import CatalogIndex


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


@pytest.mark.slow
def test_hybrid_ranks_at_least_as_well_as_either_channel(
    tmp_path: Path, minilm: Any, products: list[Any]
) -> None:
    """The measured set's headline: hybrid NDCG@10 >= the better of BM25 and dense, both ways
    of reading the queries (real MiniLM, embedded Chroma, the demo catalog)."""
    index = CatalogIndex(make_client(tmp_path / "chroma"), minilm, tmp_path / "lexical")
    index.ingest(products)
    queries = load_queries(QUERIES)
    overall, _ = evaluate(index, queries, qrels_for(queries, products))
    index.close()
    readings = against_target(overall)
    assert set(readings) == {"hybrid", "hybrid (text only)"}
    for name, (hybrid, best) in readings.items():
        assert hybrid >= best, (name, hybrid, best)
