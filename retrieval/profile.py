"""A shopper's profile read from their interactions: what they bought, looked at, and usually pick.

Every field is a plain summary of the shopper's own history, so a suggestion's reason can
quote it ("in your usual size M", "within your usual $40–60").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from retrieval.catalog import Product, Variant
from retrieval.interactions import KIND_WEIGHTS, Interaction
from retrieval.text import normalize

MIN_OPTION_COUNT = 2
"""Interactions an option value needs before it counts as the shopper's usual one."""
MIN_OPTION_SHARE = 0.6
"""Share of the shopper's choices for that option the value must hold."""
MAX_BAND_RATIO = 3.0
"""A price band wider than this (high / low) is no band: the shopper buys at every price."""


class CatalogItems:
    """The catalog as columns over variants (items), for scoring many items at once."""

    def __init__(self, products: Sequence[Product]) -> None:
        if not products:
            raise ValueError("the catalog has no products")
        self.products = list(products)
        self.product_index = {p.product_id: i for i, p in enumerate(self.products)}
        if len(self.product_index) != len(self.products):
            raise ValueError("product ids must be unique")
        self.item_ids: list[str] = []
        self.variants: list[Variant] = []
        product_of: list[int] = []
        percentile: list[float] = []
        for p_index, product in enumerate(self.products):
            prices = sorted(v.price for v in product.variants)
            for variant in product.variants:
                self.item_ids.append(variant.item_id)
                self.variants.append(variant)
                product_of.append(p_index)
                # Where the variant sits among its siblings' prices: 0 cheapest, 1 dearest.
                rank = prices.index(variant.price)
                percentile.append(rank / (len(prices) - 1) if len(prices) > 1 else 0.5)
        self.item_index = {item: i for i, item in enumerate(self.item_ids)}
        if len(self.item_index) != len(self.item_ids):
            raise ValueError("item ids must be unique across the catalog")
        self.product_of = np.asarray(product_of, dtype=np.int64)
        self.price = np.asarray([v.price for v in self.variants], dtype=np.float64)
        self.available = np.asarray([v.available for v in self.variants], dtype=bool)
        self.price_percentile = np.asarray(percentile, dtype=np.float64)
        self.options = [{normalize(k): normalize(v) for k, v in v.options.items()}
                        for v in self.variants]  # fmt: skip
        self.items_of: list[list[int]] = [[] for _ in self.products]
        for i, p_index in enumerate(product_of):
            self.items_of[p_index].append(i)

    def __len__(self) -> int:
        return len(self.item_ids)

    def product(self, item: int) -> Product:
        """The product of item row `item`."""
        return self.products[int(self.product_of[item])]


@dataclass(frozen=True)
class OptionHabit:
    """The value a shopper usually picks for one option."""

    key: str
    value: str
    share: float
    count: int


@dataclass
class ShopperProfile:
    """What one shopper's interactions say about them."""

    user_id: str
    bought_items: Counter[int] = field(default_factory=Counter)  # item row -> times bought
    bought_products: Counter[int] = field(default_factory=Counter)  # product row -> times
    interest: dict[int, float] = field(default_factory=dict)  # product row -> weight sum
    engaged_items: dict[int, str] = field(default_factory=dict)  # item row -> strongest kind
    engaged_products: dict[int, str] = field(default_factory=dict)  # product row -> kind
    options: dict[str, OptionHabit] = field(default_factory=dict)
    price_band: tuple[float, float] | None = None
    price_position: float | None = None  # mean percentile of bought variants in their product
    last_time: float | None = None

    @property
    def known(self) -> bool:
        """Whether the shopper did anything with an item of the catalog."""
        return bool(self.interest)


def _stronger(kind: str, other: str | None) -> bool:
    return other is None or KIND_WEIGHTS[kind] > KIND_WEIGHTS[other]


def build_profile(
    user_id: str, history: Sequence[Interaction], items: CatalogItems
) -> ShopperProfile:
    """Summarise `history` (the shopper's interactions; unknown items are ignored)."""
    profile = ShopperProfile(user_id)
    option_counts: dict[str, Counter[str]] = defaultdict(Counter)
    prices: list[float] = []
    positions: list[float] = []
    for event in history:
        row = items.item_index.get(event.item_id)
        if row is None:
            continue
        p_row = int(items.product_of[row])
        weight = KIND_WEIGHTS[event.kind]
        profile.interest[p_row] = profile.interest.get(p_row, 0.0) + weight
        profile.last_time = event.timestamp
        if event.kind == "purchase":
            profile.bought_items[row] += 1
            profile.bought_products[p_row] += 1
            prices.append(float(items.price[row]))
            positions.append(float(items.price_percentile[row]))
        else:
            if _stronger(event.kind, profile.engaged_items.get(row)):
                profile.engaged_items[row] = event.kind
            if _stronger(event.kind, profile.engaged_products.get(p_row)):
                profile.engaged_products[p_row] = event.kind
        # Options chosen count by the strength of the choice (a purchase says more than a view).
        if event.kind in ("purchase", "cart_add"):
            for key, value in items.options[row].items():
                option_counts[key][value] += 1
    for key, counts in option_counts.items():
        value, count = counts.most_common(1)[0]
        share = count / sum(counts.values())
        if count >= MIN_OPTION_COUNT and share >= MIN_OPTION_SHARE:
            profile.options[key] = OptionHabit(key, value, round(share, 3), count)
    if len(prices) >= 2:
        low, high = np.percentile(prices, [20, 80])
        if low > 0 and high / low <= MAX_BAND_RATIO:
            profile.price_band = (float(low), float(high))
    if positions:
        profile.price_position = float(np.mean(positions))
    return profile
