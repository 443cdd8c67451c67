"""Shoppers for the personal ranker's evaluation: the τ² demo orders, and synthetic shoppers with
preferences planted on purpose (so a ranker that reads them has something to find).

Planted in every synthetic shopper:
- a taste segment: shoppers of one segment buy mostly from the same dozen products
  (what item-item co-purchase can find);
- a usual value per option name (size M, colour blue, ...): the variant bought is the one
  matching most of them;
- a price habit (budget, middle, premium) that breaks ties between matching variants;
- repeat purchases of consumable products;
- browsing before buying: views and clicks on products of their segment, and half the
  time a look at the item they then buy.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from retrieval.catalog import Product, Variant
from retrieval.interactions import Interaction, InteractionKind
from retrieval.text import normalize


@dataclass
class World:
    """Interactions and what was planted in them."""

    interactions: list[Interaction]
    consumable: set[str] = field(default_factory=set)
    notes: dict[str, Any] = field(default_factory=dict)


def tau2_interactions(db: dict[str, Any]) -> World:
    """Purchases from the τ² orders (cancelled orders left out).

    τ² orders carry no dates; a shopper's orders are taken in the order their user record
    lists them, which is an assumption, and every item of one order shares its time.
    """
    orders = db["orders"]
    interactions: list[Interaction] = []
    cancelled = 0
    for user_id, user in sorted(db["users"].items()):
        for position, order_id in enumerate(user.get("orders", [])):
            order = orders.get(order_id)
            if order is None:
                continue
            if order["status"] == "cancelled":
                cancelled += 1
                continue
            for item in order["items"]:
                interactions.append(
                    Interaction(
                        user_id=user_id,
                        item_id=str(item["item_id"]),
                        kind="purchase",
                        timestamp=float(position),
                    )
                )
    return World(interactions, notes={"cancelled_orders_left_out": cancelled})


def _pick_variant(
    product: Product, usual: dict[str, str], habit: str, rng: random.Random
) -> Variant:
    """The variant a shopper with these habits takes (15% of the time, any variant)."""
    choices = [v for v in product.variants if v.available] or product.variants
    if rng.random() < 0.15:
        return rng.choice(choices)

    def fit(v: Variant) -> tuple[int, float]:
        matches = sum(usual.get(normalize(k)) == normalize(x) for k, x in v.options.items())
        price = {"budget": -v.price, "premium": v.price, "middle": 0.0}[habit]
        return matches, price

    best = max(fit(v) for v in choices)
    return rng.choice([v for v in choices if fit(v) == best])


def synthetic_shoppers(
    products: Sequence[Product],
    *,
    shoppers: int = 400,
    seed: int = 11,
    segments: int = 10,
    taste_size: int = 12,
    purchases: tuple[int, int] = (4, 9),
    off_taste: float = 0.15,
    consumable_share: float = 0.1,
) -> World:
    """Seeded shoppers with the preferences listed in the module docstring.

    Args:
        products: The catalog they shop in.
        shoppers: How many.
        seed: Same seed, same world.
        segments: Taste segments.
        taste_size: Products per segment.
        purchases: Range of purchases per shopper (inclusive).
        off_taste: Chance a purchase is of any product instead of the segment's.
        consumable_share: Share of products flagged consumable (bought again).
    """
    rng = random.Random(seed)
    ids = [p.product_id for p in products]
    by_id = {p.product_id: p for p in products}
    consumable = set(rng.sample(ids, max(1, round(consumable_share * len(ids)))))
    tastes = [rng.sample(ids, min(taste_size, len(ids))) for _ in range(segments)]
    values: dict[str, set[str]] = defaultdict(set)
    for product in products:
        for variant in product.variants:
            for key, value in variant.options.items():
                values[normalize(key)].add(normalize(value))
    interactions: list[Interaction] = []
    for s in range(shoppers):
        user = f"shopper-{s:04d}"
        taste = tastes[s % segments]
        usual = {k: rng.choice(sorted(v)) for k, v in values.items()}
        habit = rng.choice(("budget", "middle", "premium"))
        clock = 0.0
        bought: dict[str, str] = {}
        for _ in range(rng.randint(*purchases)):
            clock += 10.0
            repeat = [pid for pid in bought if pid in consumable]
            if repeat and rng.random() < 0.3:
                pid = rng.choice(repeat)
                variant_id = bought[pid]
            else:
                pool = [p for p in taste if p not in bought] if rng.random() > off_taste else ids
                pid = rng.choice(pool or ids)
                variant_id = _pick_variant(by_id[pid], usual, habit, rng).item_id
            for _ in range(rng.randint(1, 3)):  # browsing the segment
                other = by_id[rng.choice(taste)]
                kind: InteractionKind = "click" if rng.random() < 1 / 3 else "view"
                interactions.append(
                    Interaction(user_id=user, item_id=rng.choice(other.variants).item_id,
                                kind=kind, timestamp=clock)
                )  # fmt: skip
                clock += 1.0
            if rng.random() < 0.5:
                interactions.append(
                    Interaction(user_id=user, item_id=variant_id, kind="view", timestamp=clock)
                )
                clock += 1.0
            interactions.append(
                Interaction(user_id=user, item_id=variant_id, kind="purchase", timestamp=clock)
            )
            bought[pid] = variant_id
    return World(
        interactions,
        consumable=consumable,
        notes={"shoppers": shoppers, "segments": segments, "seed": seed},
    )
