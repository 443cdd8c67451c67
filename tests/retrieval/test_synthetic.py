"""Synthetic catalogs are seeded, valid and sized as asked."""

from __future__ import annotations

from retrieval.synthetic import TYPES, catalog_with_items, generate_catalog


def test_same_seed_same_catalog() -> None:
    assert generate_catalog(200, seed=3) == generate_catalog(200, seed=3)
    assert generate_catalog(50, seed=3) != generate_catalog(50, seed=4)


def test_realistic_attributes() -> None:
    products = generate_catalog(500, seed=1)
    specs = {t.name: t for t in TYPES}
    assert len({p.product_type for p in products}) == len(TYPES)
    for product in products:
        spec = specs[product.product_type]
        assert product.brand in spec.brands and product.name.startswith(product.brand)
        for variant in product.variants:
            assert set(variant.options) == set(spec.options)
            assert spec.price[0] - 0.01 <= variant.price <= spec.price[1]
    availability = [v.available for p in products for v in p.variants]
    assert 0.7 < sum(availability) / len(availability) < 0.9


def test_exact_item_count() -> None:
    products = catalog_with_items(1234, seed=2)
    assert sum(len(p.variants) for p in products) == 1234
    assert len({v.item_id for p in products for v in p.variants}) == 1234
