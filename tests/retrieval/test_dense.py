"""Every path of the dense planner returns exactly the allowed items (none other, none lost)."""

from __future__ import annotations

import pytest

from retrieval import dense, halfcodes
from retrieval.filters import SearchFilters

FILTERS = [
    SearchFilters(product_types=["T-Shirt"], options={"color": ["blue"]}),
    SearchFilters(max_price=50),
    SearchFilters(available=True),
    SearchFilters(options={"color": ["white"]}, min_price=100),
    SearchFilters(product_types=["Backpack", "Desk Lamp"], available=True),
]


@pytest.mark.parametrize(
    ("exact_rows", "gather_cost", "half_share", "broad_share"),
    [
        (10**9, 2.0, 0.07, 0.05),  # exact scans, whole blocks or gathered rows as planned
        (10**9, 0.0, 2.0, 0.05),  # exact scans, allowed rows always gathered
        (10**9, 10.0**9, 0.0, 0.05),  # exact scans, spans always read whole (half precision)
        (0, 2.0, 0.07, 0.0),  # HNSW with a candidate list sized from the selectivity
        (0, 2.0, 0.07, 2.0),  # neither: exact fallback
    ],
)
@pytest.mark.parametrize("half", [True, False], ids=["half-precision", "float32"])
def test_paths_agree_with_chroma_where(
    make_index, small_catalog, monkeypatch, exact_rows, gather_cost, half_share, broad_share, half
) -> None:
    monkeypatch.setattr(dense, "EXACT_ROWS", exact_rows)
    monkeypatch.setattr(dense, "GATHER_COST", gather_cost)
    monkeypatch.setattr(dense, "HALF_SCAN_SHARE", half_share)
    monkeypatch.setattr(dense, "BROAD_SHARE", broad_share)
    monkeypatch.setattr(dense, "GATHER_CHUNK", 2)  # several chunks even on a small catalog
    monkeypatch.setattr(halfcodes, "CHUNK_ROWS", 3)  # half-precision chunks too
    if not half:  # the float32 scan of an index without its half-precision copy
        original = dense.dense_search
        monkeypatch.setattr(
            "retrieval.search.dense_search", lambda *args: original(*args[:8], None)
        )
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


@pytest.mark.parametrize("share", [1.0, 0.5, 0.1, 0.02])
def test_half_precision_scan_is_the_exact_scan(monkeypatch, share) -> None:
    """Candidates proposed by the half-precision copy, then scored in float32, give the exact
    top-k of a float32 scan: spans crossing chunk boundaries, filters letting every row to a
    few pass, whole and gathered spans."""
    import numpy as np

    from retrieval.table import Selection

    monkeypatch.setattr(halfcodes, "CHUNK_ROWS", 64)
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((1000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    codes = halfcodes.HalfCodes(vectors)
    spans = ((10, 300), (300, 301), (450, 999))
    mask = np.zeros(len(vectors), dtype=bool)
    for a, b in spans:
        mask[a:b] = rng.random(b - a) < share
    selection = Selection(mask, spans, int(mask.sum()))
    for query in vectors[rng.choice(len(vectors), 10)]:
        rows = selection.rows()
        scores = vectors[rows] @ query
        expected = [int(r) for r in rows[np.argsort(-scores, kind="stable")][:20]]
        assert dense.exact(vectors, selection, query, 20, codes) == expected
        assert dense.exact(vectors, selection, query, 20) == expected


def test_half_codes_refuse_a_range_across_chunks() -> None:
    import numpy as np

    from retrieval.halfcodes import CHUNK_ROWS, HalfCodes

    vectors = np.eye(4, dtype=np.float32).repeat(CHUNK_ROWS // 2 + 1, axis=0)
    codes = HalfCodes(vectors)
    mask = np.ones(len(vectors), dtype=bool)
    with pytest.raises(ValueError, match="cross a chunk boundary"):
        codes.candidates(CHUNK_ROWS - 1, CHUNK_ROWS + 1, mask, vectors[0], 5)
