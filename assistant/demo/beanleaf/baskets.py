"""What goes into one order: drawn from the customer's planted preferences."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.demo.beanleaf.catalog import CatalogEntry
from assistant.demo.beanleaf.preferences import Preferences, sells
from retrieval.catalog import Variant

REPEAT_RATE = 0.65
"""Share of a drinker's orders that hold their staple coffee or tea again."""
FAVORITE_RATE = 0.85
"""Share of the other coffees (teas) bought in the favorite roast (tea type)."""
GRIND_RATE = 0.9
BAG_RATE = 0.85
BAND_RATE = 0.75
COLOR_RATE = 0.75
GEAR_RATE = 0.22
DRINKWARE_RATE = 0.1
FILTER_RATE = 0.4
GIFT_RATE = 0.05
GEAR_KINDS = {"grinder", "kettle", "pour-over", "french press", "espresso", "scale", "teaware"}


@dataclass
class Line:
    """One item of an order: the product line and the variant bought."""

    entry: CatalogEntry
    variant: Variant


@dataclass
class Picker:
    """Chooses products and variants the way a customer with given preferences would."""

    rng: random.Random
    catalog: Sequence[CatalogEntry]
    by_id: dict[str, CatalogEntry] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {e.product.product_id: e for e in self.catalog}

    def line(self, entry: CatalogEntry, wanted: dict[str, str], band: str = "mid") -> Line:
        """The variant of `entry` matching most wanted options; `band` breaks ties by price."""
        best = max(
            sum(v.options.get(k) == x for k, x in wanted.items()) for v in entry.product.variants
        )
        matches = [
            v
            for v in entry.product.variants
            if sum(v.options.get(k) == x for k, x in wanted.items()) == best
        ]
        if band == "budget":
            low = min(v.price for v in matches)
            matches = [v for v in matches if v.price == low]
        elif band == "premium":
            high = max(v.price for v in matches)
            matches = [v for v in matches if v.price == high]
        return Line(entry, self.rng.choice(matches))

    def lines_of(self, kind: str, fits: str | None = None) -> list[CatalogEntry]:
        """The product lines of `kind`, only those suiting `fits` (a grind or tea type)."""
        return [
            e
            for e in self.catalog
            if e.spec.kind == kind and (fits is None or fits in e.spec.fits or "*" in e.spec.fits)
        ]

    def by_band(self, entries: Sequence[CatalogEntry], band: str) -> CatalogEntry:
        """A line of the customer's price tier (most of the time); when none fits, the
        cheapest line for a budget shopper, the dearest for a premium one."""
        if self.rng.random() >= BAND_RATE:
            return self.rng.choice(list(entries))
        in_band = [e for e in entries if e.spec.tier == band]
        if in_band:
            return self.rng.choice(in_band)
        if band == "mid":
            return self.rng.choice(list(entries))
        by_price = sorted(entries, key=lambda e: e.spec.base_price)
        return by_price[0] if band == "budget" else by_price[-1]

    def _other(self, favorite: str, choices: Sequence[str]) -> str:
        others = [c for c in choices if c != favorite]
        return favorite if not others else self.rng.choice(others)

    def coffee(self, prefs: Preferences) -> list[Line]:
        """The coffee of one order: the staple (usually) and perhaps another coffee."""
        rng = self.rng
        if not (prefs.grind and prefs.roast and prefs.bag_size):
            raise ValueError(f"not a coffee drinker: {prefs}")
        grind = (
            prefs.grind if rng.random() < GRIND_RATE else self._other(prefs.grind, list(_GRINDS))
        )
        bag = (
            prefs.bag_size if rng.random() < BAG_RATE else self._other(prefs.bag_size, list(_BAGS))
        )
        wanted = {"grind": grind, "bag size": bag}
        staple = self.by_id[prefs.staples[0]]
        lines = []
        if rng.random() < REPEAT_RATE:
            lines.append(self.line(staple, {**wanted, "roast": prefs.roast}))
            if rng.random() < 0.1:  # two bags of it
                lines.append(lines[-1])
        if not lines or rng.random() < 0.45:
            roast = (
                prefs.roast
                if rng.random() < FAVORITE_RATE
                else self._other(prefs.roast, ["light", "medium", "dark"])
            )
            others = [
                e for e in self.lines_of("coffee") if e is not staple and sells(e, {"roast": roast})
            ]
            # Shoppers pick coffees sold in the grind their brewer needs.
            others = [e for e in others if sells(e, {"roast": roast, "grind": grind})] or others
            lines.append(
                self.line(self.by_band(others, prefs.price_band), {**wanted, "roast": roast})
            )
        return lines

    def tea(self, prefs: Preferences) -> list[Line]:
        """The tea of one order: the staple (usually) and perhaps another tea."""
        rng = self.rng
        if not prefs.tea_type:
            raise ValueError(f"not a tea drinker: {prefs}")
        staple = self.by_id[prefs.staples[-1]]
        packaging = {"packaging": "refill pouch" if rng.random() < 0.75 else "tin"}
        lines = []
        if rng.random() < REPEAT_RATE:
            lines.append(self.line(staple, packaging | {"size": rng.choice(["50g", "100g"])}))
        if not lines or rng.random() < 0.45:
            tea_type = (
                prefs.tea_type
                if rng.random() < FAVORITE_RATE
                else self._other(prefs.tea_type, ["green", "black", "oolong", "white", "herbal"])
            )
            others = [
                e
                for e in self.lines_of("tea")
                if e is not staple and e.product.variants[0].options["tea type"] == tea_type
            ] or [staple]
            lines.append(self.line(rng.choice(others), packaging))
        return lines

    def extras(self, prefs: Preferences, owned: set[str]) -> list[Line]:
        """Gear, drinkware, filters and gifts that fit how the customer brews."""
        rng = self.rng
        fits = prefs.grind if prefs.drinks != "tea" else prefs.tea_type
        if prefs.drinks == "both" and rng.random() < 0.4:
            fits = prefs.tea_type
        color = {"color": prefs.color, "finish": prefs.color} if rng.random() < COLOR_RATE else {}
        lines = []
        if rng.random() < GEAR_RATE:
            gear = [
                e
                for e in self.catalog
                if e.spec.kind in GEAR_KINDS
                and (fits in e.spec.fits)
                and e.product.product_id not in owned
            ]
            if gear:
                entry = self.by_band(gear, prefs.price_band)
                owned.add(entry.product.product_id)
                lines.append(self.line(entry, color, prefs.price_band))
        if rng.random() < DRINKWARE_RATE:
            cups = self.lines_of("drinkware", fits)
            lines.append(self.line(rng.choice(cups), color, prefs.price_band))
        if prefs.grind == "pour-over" and rng.random() < FILTER_RATE:
            filters = self.lines_of("filters")[0]
            lines.append(self.line(filters, {"size": "2-4 cup"}))
        if rng.random() < GIFT_RATE:
            lines.append(self.line(rng.choice(self.lines_of("gift")), color))
        return lines


_GRINDS = ("whole bean", "espresso", "moka pot", "pour-over", "drip", "french press")
_BAGS = ("250g", "500g", "1kg")


def basket(picker: Picker, prefs: Preferences, owned: set[str]) -> list[Line]:
    """The items of one order; `owned` (gear already bought) grows as gear is added."""
    rng = picker.rng
    lines: list[Line] = []
    coffee_now = prefs.drinks == "coffee" or (prefs.drinks == "both" and rng.random() < 0.6)
    tea_now = prefs.drinks == "tea" or (
        prefs.drinks == "both" and (not coffee_now or rng.random() < 0.3)
    )
    if coffee_now:
        lines += picker.coffee(prefs)
    if tea_now:
        lines += picker.tea(prefs)
    return lines + picker.extras(prefs, owned)
