"""Filter selections over the document columns: the mask equals the reference semantics, and
every allowed row lies inside the reported spans."""

from __future__ import annotations

import json
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_filter_property import catalogs, filters

from retrieval.catalog import Product
from retrieval.documents import product_docs
from retrieval.filters import SearchFilters
from retrieval.table import DocTable


def _table(catalog: list[Product], grouped: bool, seed: int) -> tuple[DocTable, list]:
    docs = [(d, p, v) for p in catalog for d, v in zip(product_docs(p), p.variants, strict=True)]
    if grouped:  # as `CatalogIndex` stores them: grouped by product type
        docs.sort(key=lambda t: (t[0].meta["type_norm"], t[0].doc_id))
    else:
        random.Random(seed).shuffle(docs)
    table = DocTable([d.doc_id for d, _, _ in docs], [json.dumps(d.meta) for d, _, _ in docs])
    return table, [(p, v) for _, p, v in docs]


def _expected(wanted: SearchFilters, items: list) -> np.ndarray:
    return np.array(
        [
            wanted.matches(
                price=v.price,
                available=v.available,
                product_type=p.product_type,
                brand=p.brand,
                options=v.options,
            )
            for p, v in items
        ],
        dtype=bool,
    )


@settings(max_examples=150, deadline=None)
@given(catalog=catalogs(), wanted=filters(), grouped=st.booleans(), seed=st.integers(0, 99))
def test_selection_is_the_reference_semantics(catalog, wanted, grouped, seed) -> None:
    table, items = _table(catalog, grouped, seed)
    selection = table.select(wanted)
    expected = _expected(wanted, items)
    assert selection.mask.tolist() == expected.tolist()
    assert selection.count == int(expected.sum())
    assert selection.rows().tolist() == np.flatnonzero(expected).tolist()
    inside = np.zeros(len(table), dtype=bool)
    previous_end = 0
    for a, b in selection.spans:
        assert previous_end <= a < b <= len(table)  # sorted, disjoint, non-empty
        assert expected[a:b].any()  # no span without an allowed row
        inside[a:b] = True
        previous_end = b
    assert not (expected & ~inside).any()
    assert table.mask(wanted).tolist() == expected.tolist()
    assert [table.meta(i)["item_id"] for i in range(len(table))] == [v.item_id for _, v in items]


def test_type_filter_reads_only_its_blocks() -> None:
    catalog = [
        Product.model_validate(
            {
                "product_id": f"p{i}",
                "name": "x",
                "product_type": ["Lamp", "Bag", "Shirt"][i % 3],
                "variants": [{"item_id": "a", "price": 10.0 + i}],
            }
        )
        for i in range(9)
    ]
    table, _ = _table(catalog, grouped=True, seed=0)
    selection = table.select(SearchFilters(product_types=["shirt", "bag"], max_price=14))
    # Bags are rows 0-2, lamps 3-5, shirts 6-8 (sorted by type): two spans, lamps skipped.
    assert selection.spans == ((0, 3), (6, 9))
    assert selection.count == 3  # p1 ($11), p2 ($12), p4 ($14)
    assert table.select(SearchFilters(product_types=["unknown"])).spans == ()
    assert table.select(SearchFilters()).spans == ((0, 9),)
