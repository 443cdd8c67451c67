"""Property: over random catalogs and filters, no hit ever violates a filter, and with room
for every item, every matching item is returned (filters apply before top-k, not after)."""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path

import pytest
from conftest import CountingEmbedder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.catalog import Product, Variant
from retrieval.chroma import make_client
from retrieval.filters import SearchFilters
from retrieval.search import CatalogIndex

TYPES = ["T-Shirt", "Sneakers", "Backpack", "Desk Lamp"]
BRANDS = [None, "Acme", "Zenith"]
OPTIONS = {
    "color": ["red", "blue", "black", "green"],
    "size": ["S", "M", "L"],
    "material": ["cotton", "leather", "nylon"],
}
PRICES = [5.0, 19.99, 20.0, 24.5, 49.99, 50.0, 79.0, 120.0, 199.99]
QUERIES = ["", "shirt", "blue", "comfortable shoes", "bag under $50", "red cotton", "lamp in stock"]


@st.composite
def variants(draw, product_index: int) -> list[Variant]:
    count = draw(st.integers(1, 3))
    keys = draw(st.lists(st.sampled_from(sorted(OPTIONS)), unique=True, max_size=3))
    out = []
    for n in range(count):
        options = {k: draw(st.sampled_from(OPTIONS[k])) for k in keys}
        price = draw(st.sampled_from(PRICES) | st.floats(0, 300).map(lambda x: round(x, 2)))
        out.append(
            Variant(
                item_id=f"i{product_index}-{n}",
                options=options,
                price=price,
                available=draw(st.booleans()),
            )
        )
    return out


@st.composite
def catalogs(draw) -> list[Product]:
    count = draw(st.integers(1, 8))
    products = []
    for i in range(count):
        ptype = draw(st.sampled_from(TYPES))
        products.append(
            Product(
                product_id=f"p{i}",
                name=f"{draw(st.sampled_from(['Classic', 'Urban', 'Trail']))} {ptype}",
                product_type=ptype,
                brand=draw(st.sampled_from(BRANDS)),
                description=draw(st.sampled_from(["", "Everyday essential.", "Built to last."])),
                variants=draw(variants(i)),
            )
        )
    return products


@st.composite
def filters(draw) -> SearchFilters:
    low = draw(st.none() | st.sampled_from(PRICES))
    high = draw(st.none() | st.sampled_from(PRICES))
    if low is not None and high is not None and low > high:
        low, high = high, low
    keys = draw(st.lists(st.sampled_from(sorted(OPTIONS)), unique=True, max_size=2))
    return SearchFilters(
        min_price=low,
        max_price=high,
        product_types=draw(st.lists(st.sampled_from(TYPES), unique=True, max_size=2)),
        options={
            k: draw(st.lists(st.sampled_from(OPTIONS[k]), unique=True, min_size=1, max_size=2))
            for k in keys
        },
        available=draw(st.none() | st.booleans()),
        brands=draw(st.lists(st.sampled_from(["Acme", "Zenith"]), unique=True, max_size=1)),
    )


def satisfies(filters: SearchFilters, product: Product, variant: Variant) -> bool:
    return filters.matches(
        price=variant.price,
        available=variant.available,
        product_type=product.product_type,
        brand=product.brand,
        options=variant.options,
    )


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, minilm):
    folder: Path = tmp_path_factory.mktemp("property")
    return folder, make_client(folder / "chroma"), CountingEmbedder(minilm)


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(catalog=catalogs(), wanted=filters(), query=st.sampled_from(QUERIES))
def test_hits_always_satisfy_filters(shared, catalog, wanted, query) -> None:
    folder, client, embedder = shared
    name = f"prop-{uuid.uuid4().hex[:12]}"
    index = CatalogIndex(client, embedder, folder / name, collection=name)
    try:
        index.ingest(catalog)
        items = {v.item_id: (p, v) for p in catalog for v in p.variants}
        requested = wanted.merged(index.understand(query).filters)
        for mode, strategy in [("hybrid", "auto"), ("dense", "auto"), ("dense", "where"),
                               ("bm25", "auto")]:  # fmt: skip
            index.dense_strategy = strategy
            result = index.search(query, wanted, k=len(items) + 5, mode=mode)
            hits = [items[h.item_id] for h in result.hits]
            # Every hit satisfies the filters reported as applied...
            assert all(satisfies(result.filters, p, v) for p, v in hits), (mode, result)
            if result.relaxation is None:
                # ...which include every requested filter unless a relaxation says otherwise.
                assert all(satisfies(requested, p, v) for p, v in hits), (mode, result)
            if mode == "dense":
                # Filters come before top-k: every matching item fits and is returned.
                matching = {v.item_id for p, v in items.values() if satisfies(result.filters, p, v)}
                assert {h.item_id for h in result.hits} == matching
            if result.relaxation is not None:
                assert not any(satisfies(requested, p, v) for p, v in items.values())
                assert result.hits or mode == "bm25"  # no query words: no lexical evidence
    finally:
        client.delete_collection(name)
        index.close()


def test_filter_semantics_example() -> None:
    """The reference semantics the property relies on: OR within a field, AND across."""
    f = SearchFilters(options={"color": ["Red", "blue"]}, product_types=["t-shirt"])
    base = dict(price=1.0, available=True, product_type="T-Shirt", brand=None)
    assert f.matches(options={"color": "BLUE"}, **base)
    assert not f.matches(options={"color": "green"}, **base)
    assert not f.matches(options={}, **base)
    assert list(itertools.chain(f.chroma_where()["$and"])) == [
        {"type_norm": {"$in": ["t-shirt"]}},
        {"opt_color": {"$in": ["blue", "red"]}},
    ]
