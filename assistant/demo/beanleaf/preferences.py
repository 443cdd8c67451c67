"""The purchase preferences planted in each customer, which their orders then follow.

A recommender should be able to learn these back from the orders alone; the generator keeps
them (and writes them beside the data) so that learning can be measured.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from assistant.demo.beanleaf.catalog import CatalogEntry
from assistant.demo.beanleaf.specs import Tier

Drinks = Literal["coffee", "tea", "both"]
T = TypeVar("T")

DRINKS: dict[Drinks, float] = {"coffee": 0.55, "tea": 0.2, "both": 0.25}
GRIND_WEIGHTS = {
    "whole bean": 0.3,
    "espresso": 0.15,
    "pour-over": 0.2,
    "drip": 0.12,
    "french press": 0.15,
    "moka pot": 0.08,
}
# The roast people who brew this way tend to like; only pairs the catalog sells.
ROAST_FOR_GRIND = {
    "whole bean": {"light": 0.35, "medium": 0.4, "dark": 0.25},
    "espresso": {"medium": 0.35, "dark": 0.65},
    "moka pot": {"dark": 1.0},
    "pour-over": {"light": 0.6, "medium": 0.4},
    "drip": {"light": 0.3, "medium": 0.45, "dark": 0.25},
    "french press": {"light": 0.2, "medium": 0.4, "dark": 0.4},
}
BAG_WEIGHTS = {"250g": 0.55, "500g": 0.15, "1kg": 0.3}
TEA_WEIGHTS = {"green": 0.25, "black": 0.35, "oolong": 0.1, "white": 0.05, "herbal": 0.25}
BAND_WEIGHTS: dict[Tier, float] = {"budget": 0.3, "mid": 0.45, "premium": 0.25}
COLORS = ("sage", "slate blue", "matte black", "white", "charcoal", "cream", "terracotta")


class Preferences(BaseModel):
    """What one customer tends to buy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    drinks: Drinks = Field(description="Coffee, tea or both.")
    roast: str | None = Field(description="Favorite roast (coffee drinkers).")
    grind: str | None = Field(description="Usual grind, i.e. brew method (coffee drinkers).")
    bag_size: str | None = Field(description="Usual coffee bag size (coffee drinkers).")
    tea_type: str | None = Field(description="Favorite tea type (tea drinkers).")
    price_band: Tier = Field(description="Where in a line's price range they buy gear.")
    color: str = Field(description="Favorite color for mugs, tumblers and gear.")
    staples: list[str] = Field(description="Product ids of the coffee and/or tea re-bought.")


def weighted(rng: random.Random, weights: dict[T, float]) -> T:
    """One key of `weights`, drawn in proportion to its weight."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def sells(entry: CatalogEntry, wanted: dict[str, str]) -> bool:
    """Whether some variant of the product has every wanted option value."""
    return any(
        all(v.options.get(k) == value for k, value in wanted.items())
        for v in entry.product.variants
    )


def _staple(
    rng: random.Random, lines: Sequence[CatalogEntry], wanted: dict[str, str], band: Tier
) -> str:
    fitting = [e for e in lines if sells(e, wanted)]
    if not fitting:
        raise ValueError(f"no product line sells {wanted}")
    in_band = [e for e in fitting if e.spec.tier == band]
    return rng.choice(in_band if in_band and rng.random() < 0.7 else fitting).product.product_id


def draw_preferences(rng: random.Random, catalog: Sequence[CatalogEntry]) -> Preferences:
    """One customer's preferences, consistent with what the catalog sells."""
    drinks = weighted(rng, DRINKS)
    band = weighted(rng, BAND_WEIGHTS)
    roast = grind = bag = tea_type = None
    staples: list[str] = []
    if drinks in ("coffee", "both"):
        grind = weighted(rng, GRIND_WEIGHTS)
        roast = weighted(rng, ROAST_FOR_GRIND[grind])
        bag = weighted(rng, BAG_WEIGHTS)
        coffees = [e for e in catalog if e.spec.kind == "coffee"]
        staples.append(_staple(rng, coffees, {"roast": roast, "grind": grind}, band))
    if drinks in ("tea", "both"):
        tea_type = weighted(rng, TEA_WEIGHTS)
        teas = [e for e in catalog if e.spec.kind == "tea"]
        staples.append(_staple(rng, teas, {"tea type": tea_type}, band))
    return Preferences(
        drinks=drinks,
        roast=roast,
        grind=grind,
        bag_size=bag,
        tea_type=tea_type,
        price_band=band,
        color=rng.choice(COLORS),
        staples=staples,
    )
