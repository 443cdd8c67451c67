"""The Bean & Leaf generator: deterministic, valid, its own id formats, sizes as promised."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from assistant.demo.beanleaf import BeanleafStore, generate
from assistant.store.models import RetailData
from assistant.store.tau2_io import validate_retail
from retrieval.catalog import Product
from tests.demo.conftest import SEEDS

TAU2_LIKE = (re.compile(r"\d{10}"), re.compile(r"#W\d{7}"), re.compile(r"^[a-z]+_[a-z]+_\d{4}$"))


def _everything(store: BeanleafStore) -> tuple[object, ...]:
    return (
        [p.model_dump() for p in store.products],
        store.retail_db(),
        {k: v.model_dump() for k, v in store.preferences.items()},
    )


def test_the_same_seed_gives_the_same_store() -> None:
    first = generate(7)
    random.seed(12345)  # the global random state must not leak in
    random.random()
    second = generate(7)
    assert _everything(first) == _everything(second)


def test_another_seed_gives_another_store(stores: dict[int, BeanleafStore]) -> None:
    a, b = stores[0], stores[1]
    assert [u.user_id for u in a.users] != [u.user_id for u in b.users]
    assert [o.model_dump() for o in a.orders] != [o.model_dump() for o in b.orders]
    prices = lambda s: [v.price for p in s.products for v in p.variants]  # noqa: E731
    assert prices(a) != prices(b)
    descriptions = [p.description for p in a.products], [p.description for p in b.products]
    assert descriptions[0] != descriptions[1]
    # The product lines themselves are the shop's and stay put.
    assert [p.name for p in a.products] == [p.name for p in b.products]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_record_validates(stores: dict[int, BeanleafStore], seed: int) -> None:
    store = stores[seed]
    for product in store.products:
        Product.model_validate(product.model_dump())
    data = validate_retail(store.retail_db())  # τ² shapes plus the cross-references
    assert isinstance(data, RetailData)
    assert len(data.users) == len(store.users) and len(data.orders) == len(store.orders)


@pytest.mark.parametrize("seed", SEEDS)
def test_sizes_are_those_of_a_small_shop(stores: dict[int, BeanleafStore], seed: int) -> None:
    store = stores[seed]
    variants = [v for p in store.products for v in p.variants]
    assert 38 <= len(store.products) <= 45
    assert 250 <= len(variants) <= 350
    assert len(store.users) == 150 and len(store.orders) == 400
    out = sum(not v.available for v in variants)
    assert 0.04 * len(variants) <= out <= 0.25 * len(variants)
    sold_out = [p for p in store.products if not any(v.available for v in p.variants)]
    assert len(sold_out) == 1 and sold_out[0].product_type in {"Coffee Beans", "Loose-Leaf Tea"}
    statuses = Counter(o.status for o in store.orders)
    assert set(statuses) == {
        "pending",
        "processed",
        "delivered",
        "cancelled",
        "return requested",
        "exchange requested",
    }
    assert statuses["delivered"] > len(store.orders) / 2
    per_user = Counter(o.user_id for o in store.orders)
    assert min(per_user.values()) >= 1 and sum(n >= 2 for n in per_user.values()) >= 100


def test_catalog_covers_the_shop(shop: BeanleafStore) -> None:
    types = Counter(p.product_type for p in shop.products)
    assert types["Coffee Beans"] >= 10 and types["Loose-Leaf Tea"] >= 8
    for kind in ("Grinder", "Kettle", "Pour-Over", "French Press", "Espresso Accessory", "Mug"):
        assert types[kind] >= 1, kind
    assert types["Gift Box"] >= 2
    coffee_options = {
        k for p in shop.products if p.product_type == "Coffee Beans" for k in p.variants[0].options
    }
    assert coffee_options == {"roast", "origin", "grind", "bag size"}
    for product in shop.products:
        assert product.brand and product.tags and product.description
        folder = re.escape(product.product_id.lower())
        assert product.image_url and re.fullmatch(
            rf"https://cdn\.beanleaf\.example/products/{folder}/[a-z0-9]+(-[a-z0-9]+)*\.jpg",
            product.image_url,
        )
        assert all(v.sku == v.item_id for v in product.variants)
    assert len({p.name for p in shop.products}) == len(shop.products)
    assert len({p.image_url for p in shop.products}) == len(shop.products)
    assert len({p.description for p in shop.products}) == len(shop.products)


def test_customers_live_in_several_states_and_countries(shop: BeanleafStore) -> None:
    countries = Counter(u.address.country for u in shop.users)
    states = {u.address.state for u in shop.users if u.address.country == "USA"}
    assert countries["USA"] > 100 and len(countries) >= 4 and len(states) >= 8
    sources = Counter(m.source for u in shop.users for m in u.payment_methods.values())
    assert sources["credit_card"] and sources["paypal"] and sources["gift_card"] >= 20
    balances = [
        m.balance for u in shop.users for m in u.payment_methods.values() if m.source == "gift_card"
    ]
    assert max(balances) > 50 and min(balances) >= 0


@pytest.mark.parametrize("seed", SEEDS)
def test_ids_are_unique_and_not_shaped_like_tau2(
    stores: dict[int, BeanleafStore], seed: int
) -> None:
    store = stores[seed]
    products = [p.product_id for p in store.products]
    items = [v.item_id for p in store.products for v in p.variants]
    users = [u.user_id for u in store.users]
    emails = [u.email for u in store.users]
    orders = [o.order_id for o in store.orders]
    methods = [m for u in store.users for m in u.payment_methods]
    tracking = [t for o in store.orders for f in o.fulfillments for t in f.tracking_id]
    for ids in (products, items, users, emails, orders, methods, tracking):
        assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"BL-P\d{4}", i) for i in products)
    assert all(re.fullmatch(r"BL-[A-Z]{3}(-[A-Z0-9]{1,3})+", i) for i in items), items[:5]
    assert all(re.fullmatch(r"#BL\d{6}", i) for i in orders)
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+\d*", i) for i in users), users[:5]
    assert all(re.fullmatch(r"(card|paypal|giftcard)-\d{4}", i) for i in methods)
    assert all(re.fullmatch(r"BLT-\d{8}", i) for i in tracking)
    for ids in (products, items, users, orders, methods, tracking):
        for value in ids:
            assert not any(p.search(value) for p in TAU2_LIKE), value


@pytest.mark.parametrize("seed", SEEDS)
def test_orders_are_consistent_with_the_catalog(
    stores: dict[int, BeanleafStore], seed: int
) -> None:
    store = stores[seed]
    variants = {v.item_id: (p, v) for p in store.products for v in p.variants}
    users = {u.user_id: u for u in store.users}
    for order in store.orders:
        for item in order.items:
            product, variant = variants[item.item_id]
            assert (item.product_id, item.name) == (product.product_id, product.name)
            assert (item.price, item.options) == (variant.price, variant.options)
        total = round(sum(i.price for i in order.items), 2)
        payment = order.payment_history[0]
        assert payment.transaction_type == "payment" and payment.amount == total
        assert payment.payment_method_id in users[order.user_id].payment_methods
        shipped = sorted(i for f in order.fulfillments for i in f.item_ids)
        if order.status in ("pending", "cancelled"):
            assert shipped == []
        else:
            assert shipped == sorted(i.item_id for i in order.items)
        if order.status == "cancelled":
            assert order.cancel_reason in ("no longer needed", "ordered by mistake")
            assert order.payment_history[1].transaction_type == "refund"
            assert order.payment_history[1].amount == total
        else:
            assert order.cancel_reason is None and len(order.payment_history) == 1
        if order.status == "return requested":
            assert order.return_items and set(order.return_items) <= {
                i.item_id for i in order.items
            }
            assert order.return_payment_method_id in users[order.user_id].payment_methods
        if order.status == "exchange requested":
            assert order.exchange_items and order.exchange_new_items
            assert len(order.exchange_items) == len(order.exchange_new_items)
            old = [variants[i] for i in order.exchange_items]
            new = [variants[i] for i in order.exchange_new_items]
            assert {p.product_id for p, _ in old} == {p.product_id for p, _ in new}
            assert all(v.available for _, v in new)
            assert not set(order.exchange_items) & set(order.exchange_new_items)
            difference = sum(v.price for _, v in new) - sum(v.price for _, v in old)
            assert order.exchange_price_difference == pytest.approx(difference, abs=0.01)
    # The newest orders are the ones still open.
    newest = store.orders[-40:]
    oldest = store.orders[:200]
    assert sum(o.status in ("pending", "processed") for o in newest) > 25
    assert not any(o.status == "pending" for o in oldest)
