"""The shape of a Bean & Leaf product line before it becomes catalog records.

A `ProductSpec` holds what the shop knows about a product: its options (each value with the
code it adds to the SKU and what it does to the price), the facts its copy may state (kept
as `key:value` tags, so the description never says anything the record does not hold), and,
for the order generator only, which brew methods or tea drinkers it suits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "coffee",
    "tea",
    "grinder",
    "kettle",
    "pour-over",
    "filters",
    "french press",
    "espresso",
    "scale",
    "drinkware",
    "teaware",
    "gift",
]

Tier = Literal["budget", "mid", "premium"]
HOUSE_BRAND = "Bean & Leaf"

ROAST, ORIGIN, GRIND, BAG_SIZE = "roast", "origin", "grind", "bag size"
TEA_TYPE, SIZE, PACKAGING = "tea type", "size", "packaging"
COLOR, CAPACITY, FINISH, MATERIAL = "color", "capacity", "finish", "material"

#: Fact tag keys; the description is built from these and the options alone.
FACT_KEYS = (
    "region",
    "process",
    "notes",
    "certified",
    "caffeine",
    "component",
    "ingredients",
    "steep",
    "origin",
    "material",
    "feature",
    "includes",
)


@dataclass(frozen=True)
class Value:
    """One value of an option: its SKU code and its effect on the price."""

    value: str
    code: str
    mult: float = 1.0
    add: float = 0.0


@dataclass(frozen=True)
class Option:
    """An option and its values, in display order."""

    name: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class ProductSpec:
    """Everything the generator needs to make one product and write its copy."""

    code: str
    name: str
    product_type: str
    brand: str
    kind: Kind
    base_price: float
    options: tuple[Option, ...]
    facts: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    consumable: bool = False
    fits: tuple[str, ...] = ()
    """Grind values (brew methods) or tea types of the shoppers it suits (orders only)."""
    sku_order: tuple[str, ...] = ()
    """Option names in the order their codes appear in the SKU (default: option order)."""
    tier: Tier = "mid"

    def facts_of(self, key: str) -> list[str]:
        """The values of fact `key`, in order."""
        return [value for k, value in self.facts if k == key]

    def option(self, name: str) -> Option | None:
        """The option called `name`, or None."""
        return next((o for o in self.options if o.name == name), None)


def values(name: str, *pairs: tuple[str, str] | Value) -> Option:
    """An option from `(value, code)` pairs or `Value`s."""
    return Option(name, tuple(p if isinstance(p, Value) else Value(*p) for p in pairs))


def tier(price: float, budget: float, premium: float) -> Tier:
    """The price tier of a line whose smallest size costs `price`."""
    return "budget" if price <= budget else "premium" if price >= premium else "mid"
