"""Every path of the dense planner returns exactly the allowed items (none other, none lost)."""

from __future__ import annotations

import pytest

from retrieval import dense
from retrieval.filters import SearchFilters

FILTERS = [
    SearchFilters(product_types=["T-Shirt"], options={"color": ["blue"]}),
    SearchFilters(max_price=50),
    SearchFilters(available=True),
    SearchFilters(options={"color": ["white"]}, min_price=100),
    SearchFilters(product_types=["Backpack", "Desk Lamp"], available=True),
]


@pytest.mark.parametrize(
    ("exact_rows", "gather_cost", "broad_share"),
    [
        (10**9, 2.0, 0.05),  # exact scans, whole blocks or gathered rows as planned
        (10**9, 0.0, 0.05),  # exact scans, allowed rows always gathered
        (10**9, 10.0**9, 0.05),  # exact scans, spans always read whole
        (0, 2.0, 0.0),  # HNSW with a candidate list sized from the selectivity
        (0, 2.0, 2.0),  # neither: exact fallback
    ],
)
def test_paths_agree_with_chroma_where(
    make_index, small_catalog, monkeypatch, exact_rows, gather_cost, broad_share
) -> None:
    monkeypatch.setattr(dense, "EXACT_ROWS", exact_rows)
    monkeypatch.setattr(dense, "GATHER_COST", gather_cost)
    monkeypatch.setattr(dense, "BROAD_SHARE", broad_share)
    monkeypatch.setattr(dense, "GATHER_CHUNK", 2)  # several chunks even on a small catalog
    index = make_index()
    index.ingest(small_catalog)
    for filters in FILTERS:
        results = {}
        for strategy in ("auto", "where"):
            index.dense_strategy = strategy
            hits = index.search("everyday", filters, k=20, mode="dense", parse=False).hits
            results[strategy] = [h.item_id for h in hits]
        assert sorted(results["auto"]) == sorted(results["where"]), filters
        # Exact cosine and Chroma's HNSW order the few items the same way.
        assert results["auto"] == results["where"], filters


def test_type_rows_are_contiguous(make_index, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    table = index._snapshot.table
    blocks = table.type_blocks(["T-Shirt", "Backpack", "Unknown"])
    assert blocks is not None and len(blocks) == 2
    rows = [r for a, b in blocks for r in range(a, b)]
    assert sorted(table.meta(r)["product_type"] for r in rows) == ["Backpack"] * 2 + ["T-Shirt"] * 4


def test_channels_side_by_side_give_the_same_results(make_index, small_catalog, monkeypatch):
    """Over a large catalog the lexical channel runs on a worker thread: the hits are those
    of the two channels run one after the other."""
    import retrieval.search as search_module

    index = make_index()
    index.ingest(small_catalog)
    queries = ["blue t-shirt under $60", "backpack for a laptop", "lamp", "quiet keyboard"]
    monkeypatch.setattr(search_module, "PARALLEL_ROWS", 10**9)
    one_after_the_other = [index.search(q, k=8).hits for q in queries]
    monkeypatch.setattr(search_module, "PARALLEL_ROWS", 0)
    side_by_side = [index.search(q, k=8).hits for q in queries]
    assert side_by_side == one_after_the_other
    assert all(one_after_the_other)
