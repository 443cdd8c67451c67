"""The signals the personal ranker weighs, computed for many items of one shopper at once.

Each feature is one column; `evidence` keeps, per item, what produced the value (the bought
product a co-purchase came through, the habits matched), so a reason can name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from retrieval.interactions import KIND_WEIGHTS
from retrieval.profile import CatalogItems, ShopperProfile

FEATURES: tuple[str, ...] = (
    "co_purchase",
    "content",
    "engaged_product",
    "engaged_item",
    "option_fit",
    "price_band",
    "price_position",
    "available",
    "popularity",
    "item_popularity",
    "bought_product",
    "repurchase",
)


@dataclass
class Signals:
    """What the features are computed from, fitted once over all shoppers."""

    items: CatalogItems
    product_vectors: np.ndarray  # products x dim, unit rows
    co_similarity: sparse.csr_matrix  # products x products, item-item kNN, zero diagonal
    product_buyers: np.ndarray  # distinct buyers per product
    item_buyers: np.ndarray  # distinct buyers per item
    consumable: np.ndarray  # bool per product

    def popularity(self) -> tuple[np.ndarray, np.ndarray]:
        """Product and item popularity on a log scale, in [0, 1]."""
        p_top = max(1.0, float(self.product_buyers.max(initial=0)))
        i_top = max(1.0, float(self.item_buyers.max(initial=0)))
        return (
            np.log1p(self.product_buyers) / np.log1p(p_top),
            np.log1p(self.item_buyers) / np.log1p(i_top),
        )


@dataclass
class FeatureBlock:
    """Feature values of some items for one shopper, with the evidence behind them."""

    rows: np.ndarray  # item rows
    values: np.ndarray  # len(rows) x len(FEATURES)
    evidence: dict[str, list[Any]] = field(default_factory=dict)


def product_affinity(profile: ShopperProfile, signals: Signals) -> tuple[np.ndarray, np.ndarray]:
    """Co-purchase score per product (weighted mean kNN similarity to the shopper's products)
    and, per product, which of the shopper's products contributed most (-1: none)."""
    n = len(signals.items.products)
    if not profile.interest:
        return np.zeros(n), np.full(n, -1, dtype=np.int64)
    rows = np.fromiter(profile.interest, dtype=np.int64)
    weights = np.fromiter(profile.interest.values(), dtype=np.float64)
    contrib = signals.co_similarity[rows].toarray() * weights[:, None]  # history x products
    score = contrib.sum(axis=0) / weights.sum()
    best = np.where(contrib.max(axis=0) > 0, rows[contrib.argmax(axis=0)], -1)
    return score, best


def content_affinity(profile: ShopperProfile, signals: Signals) -> tuple[np.ndarray, np.ndarray]:
    """Per product, the highest cosine to a product the shopper bought (itself excluded), and
    which bought product it is (-1: nothing bought)."""
    n = len(signals.items.products)
    if not profile.bought_products:
        return np.zeros(n), np.full(n, -1, dtype=np.int64)
    bought = np.fromiter(profile.bought_products, dtype=np.int64)
    cos = signals.product_vectors @ signals.product_vectors[bought].T  # products x bought
    cos[bought, np.arange(len(bought))] = -np.inf  # a product is not "like" itself
    best = cos.argmax(axis=1)
    score = cos[np.arange(n), best]
    score = np.where(np.isfinite(score), score, 0.0)
    return np.clip(score, 0.0, 1.0), np.where(np.isfinite(cos.max(axis=1)), bought[best], -1)


def compute_features(
    profile: ShopperProfile,
    rows: np.ndarray,
    signals: Signals,
    affinity: tuple[np.ndarray, np.ndarray] | None = None,
    content: tuple[np.ndarray, np.ndarray] | None = None,
) -> FeatureBlock:
    """The feature block of item `rows` for `profile` (see `FEATURES` for the columns)."""
    items = signals.items
    rows = np.asarray(rows, dtype=np.int64)
    prods = items.product_of[rows]
    co, co_from = affinity if affinity is not None else product_affinity(profile, signals)
    like, like_from = content if content is not None else content_affinity(profile, signals)
    pop, item_pop = signals.popularity()
    cart = KIND_WEIGHTS["cart_add"]
    engaged_p = np.array(
        [KIND_WEIGHTS[profile.engaged_products[p]] / cart if p in profile.engaged_products
         else 0.0 for p in prods.tolist()]
    )  # fmt: skip
    engaged_i = np.array(
        [KIND_WEIGHTS[profile.engaged_items[r]] / cart if r in profile.engaged_items else 0.0
         for r in rows.tolist()]
    )  # fmt: skip
    option_fit = np.zeros(len(rows))
    matched: list[list[tuple[str, str]]] = []
    for j, row in enumerate(rows.tolist()):
        options = items.options[row]
        shared = [h for k, h in profile.options.items() if k in options]
        hits = [(h.key, h.value) for h in shared if options[h.key] == h.value]
        matched.append(hits)
        if shared:
            option_fit[j] = sum(h.share if options[h.key] == h.value else -h.share
                                for h in shared) / len(shared)  # fmt: skip
    price = items.price[rows]
    band = np.zeros(len(rows))
    if profile.price_band is not None:
        low, high = profile.price_band
        edge = np.clip(price, low, high)
        distance = np.abs(np.log(np.maximum(price, 0.01) / edge))
        band = np.where(distance == 0, 1.0, -np.minimum(1.0, distance))
    position = np.zeros(len(rows))
    if profile.price_position is not None:
        position = 1.0 - 2.0 * np.abs(items.price_percentile[rows] - profile.price_position)
    bought_p = np.array([1.0 if p in profile.bought_products else 0.0 for p in prods.tolist()])
    repurchase = np.array(
        [min(2.0, profile.bought_items.get(r, 0)) / 2.0 if signals.consumable[p] else 0.0
         for r, p in zip(rows.tolist(), prods.tolist(), strict=True)]
    )  # fmt: skip
    values = np.column_stack(
        [
            co[prods],
            like[prods],
            engaged_p,
            engaged_i,
            option_fit,
            band,
            position,
            items.available[rows].astype(np.float64),
            pop[prods],
            item_pop[rows],
            bought_p,
            repurchase,
        ]
    )
    evidence: dict[str, list[Any]] = {
        "co_purchase": co_from[prods].tolist(),
        "content": like_from[prods].tolist(),
        "option_fit": matched,
    }
    return FeatureBlock(rows, values, evidence)
