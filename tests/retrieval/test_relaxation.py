"""When nothing matches, the result names the constraint that emptied it and the relaxation."""

from __future__ import annotations

from retrieval.filters import SearchFilters


def test_price_relaxation_is_reported(make_index, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    result = index.search("blue t-shirt under $20", k=5)
    assert result.relaxation == (
        "No items match all of: under $20.00, color blue, type T-Shirt. "
        "Without the price limit (under $20.00): 2 results from $24.99."
    )
    assert result.filters.max_price is None
    assert result.filters.options == {"color": ["blue"]}
    assert {h.item_id for h in result.hits} == {"s1", "s2"}


def test_option_relaxation_and_explicit_filters(make_index, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    filters = SearchFilters(product_types=["Backpack"], options={"color": ["red"]})
    result = index.search("daypack", filters, k=5)
    assert result.relaxation is not None
    assert "Without the color condition (color red): 2 results from $65.00." in result.relaxation
    assert {h.product_type for h in result.hits} == {"Backpack"}


def test_no_relaxation_when_disallowed(make_index, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    result = index.search("x", SearchFilters(max_price=1), allow_relaxation=False)
    assert result.hits == [] and result.relaxation == "No items match all of: under $1.00."


def test_satisfiable_filters_are_not_relaxed(make_index, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    result = index.search("blue t-shirt under $25", k=5)
    assert result.relaxation is None
    assert [h.item_id for h in result.hits] == ["s1"]
