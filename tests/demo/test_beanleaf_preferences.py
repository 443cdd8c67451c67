"""The planted purchase preferences can be read back from the orders alone."""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import mean

import pytest

from assistant.demo.beanleaf import BeanleafStore
from assistant.store.models import OrderItem
from tests.demo.conftest import SEEDS


def _items(store: BeanleafStore) -> dict[str, list[OrderItem]]:
    by_user: dict[str, list[OrderItem]] = defaultdict(list)
    for order in store.orders:
        by_user[order.user_id] += order.items
    return by_user


def _modal_agreement(store: BeanleafStore, option: str, field: str) -> tuple[int, float, float]:
    """Over the coffee (or tea) items of customers with 3+ of them: how many customers, the
    share whose most bought `option` value is their planted `field`, and the share of items
    in the planted value."""
    line = "tea type" if option == "tea type" else "roast"  # coffee items have a roast
    customers = agree = 0
    hits = total = 0
    for user_id, items in _items(store).items():
        wanted = getattr(store.preferences[user_id], field)
        values = [i.options[option] for i in items if line in i.options]
        if wanted is None or len(values) < 3:
            continue
        customers += 1
        agree += Counter(values).most_common(1)[0][0] == wanted
        hits += values.count(wanted)
        total += len(values)
    return customers, agree / customers, hits / total


@pytest.mark.parametrize("seed", SEEDS)
def test_most_coffee_a_customer_buys_is_their_favorite_roast_and_grind(
    stores: dict[int, BeanleafStore], seed: int
) -> None:
    store = stores[seed]
    customers, agree, share = _modal_agreement(store, "roast", "roast")
    assert customers >= 40 and agree >= 0.9 and share >= 0.85
    customers, agree, share = _modal_agreement(store, "grind", "grind")
    assert customers >= 40 and agree >= 0.9 and share >= 0.8


@pytest.mark.parametrize("seed", SEEDS)
def test_tea_drinkers_keep_to_their_tea_type(stores: dict[int, BeanleafStore], seed: int) -> None:
    customers, agree, share = _modal_agreement(stores[seed], "tea type", "tea_type")
    assert customers >= 10 and agree >= 0.85 and share >= 0.8


@pytest.mark.parametrize("seed", SEEDS)
def test_consumables_are_bought_again(stores: dict[int, BeanleafStore], seed: int) -> None:
    store = stores[seed]
    orders_of: dict[str, list[set[str]]] = defaultdict(list)
    for order in store.orders:
        orders_of[order.user_id].append({i.product_id for i in order.items})
    regulars = [u for u, orders in orders_of.items() if len(orders) >= 3]
    repeaters = [
        u
        for u in regulars
        if any(
            sum(staple in products for products in orders_of[u]) >= 2
            for staple in store.preferences[u].staples
        )
    ]
    # 65% of orders hold the staple: two of three orders do with p = 0.72.
    assert len(regulars) >= 50 and len(repeaters) >= 0.6 * len(regulars)


@pytest.mark.parametrize("seed", SEEDS)
def test_coffee_only_customers_buy_no_loose_tea(
    stores: dict[int, BeanleafStore], seed: int
) -> None:
    store = stores[seed]
    for user_id, items in _items(store).items():
        if store.preferences[user_id].drinks == "coffee":
            assert not any("tea type" in i.options for i in items), user_id
        if store.preferences[user_id].drinks == "tea":
            assert not any("roast" in i.options for i in items), user_id


@pytest.mark.parametrize("seed", SEEDS)
def test_price_band_shows_in_what_gear_costs(stores: dict[int, BeanleafStore], seed: int) -> None:
    shop = stores[seed]
    kinds = {p.product_id: p.product_type for p in shop.products}
    consumable = {"Coffee Beans", "Loose-Leaf Tea", "Filters", "Gift Box"}
    spent: dict[str, list[float]] = defaultdict(list)
    for user_id, items in _items(shop).items():
        band = shop.preferences[user_id].price_band
        spent[band] += [i.price for i in items if kinds[i.product_id] not in consumable]
    assert min(len(v) for v in spent.values()) >= 10
    assert mean(spent["budget"]) < mean(spent["mid"]) < mean(spent["premium"])


def test_favorite_color_shows_in_drinkware(shop: BeanleafStore) -> None:
    kinds = {p.product_id: p.product_type for p in shop.products}
    hits = total = 0
    for user_id, items in _items(shop).items():
        color = shop.preferences[user_id].color
        for item in items:
            offered = {
                v.options.get("color")
                for p in shop.products
                if p.product_id == item.product_id
                for v in p.variants
            }
            if kinds[item.product_id] in ("Mug", "Tumbler", "Cup") and color in offered:
                total += 1
                hits += item.options.get("color") == color
    assert total >= 10 and hits / total >= 0.6
