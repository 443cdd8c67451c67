"""When filters leave nothing, say which constraint emptied the result and what relaxing it gives.

A constraint is never dropped silently: the relaxed filters are the ones reported as applied,
and the message names what was dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from retrieval.filters import SearchFilters


@dataclass(frozen=True)
class Constraint:
    """One droppable part of a filter."""

    field: str  # "price" | "available" | "option" | "brand" | "type"
    key: str = ""

    def describe(self, filters: SearchFilters) -> str:
        """The constraint in words, e.g. "under $20" or "color blue"."""
        if self.field == "price":
            return price_phrase(filters.min_price, filters.max_price)
        if self.field == "available":
            return "in stock" if filters.available else "out of stock"
        if self.field == "option":
            return f"{self.key} {' or '.join(filters.options[self.key])}"
        if self.field == "brand":
            return "brand " + " or ".join(filters.brands)
        return "type " + " or ".join(filters.product_types)

    def label(self) -> str:
        """Short name of what dropping it removes, e.g. "the price limit"."""
        return {
            "price": "the price limit",
            "available": "the stock condition",
            "brand": "the brand",
            "type": "the product type",
        }.get(self.field, f"the {self.key} condition")


def _money(value: float) -> str:
    return f"${value:,.2f}"


def price_phrase(low: float | None, high: float | None) -> str:
    """A price range in words."""
    if low is not None and high is not None:
        return f"between {_money(low)} and {_money(high)}"
    if high is not None:
        return f"under {_money(high)}"
    return f"over {_money(low or 0)}"


def constraints(filters: SearchFilters) -> list[Constraint]:
    """The constraints of `filters`, in the order they are tried for relaxation.

    Price and stock go first (the most negotiable), the product type last (the core intent).
    """
    out: list[Constraint] = []
    if filters.min_price is not None or filters.max_price is not None:
        out.append(Constraint("price"))
    if filters.available is not None:
        out.append(Constraint("available"))
    out += [Constraint("option", key) for key in filters.options]
    if filters.brands:
        out.append(Constraint("brand"))
    if filters.product_types:
        out.append(Constraint("type"))
    return out


def without(filters: SearchFilters, dropped: tuple[Constraint, ...]) -> SearchFilters:
    """`filters` minus the `dropped` constraints."""
    data = filters.model_dump()
    for c in dropped:
        if c.field == "price":
            data["min_price"] = data["max_price"] = None
        elif c.field == "available":
            data["available"] = None
        elif c.field == "option":
            data["options"].pop(c.key, None)
        elif c.field == "brand":
            data["brands"] = []
        else:
            data["product_types"] = []
    return SearchFilters(**data)


@dataclass(frozen=True)
class Relaxation:
    """The nearest relaxation that has results."""

    filters: SearchFilters
    dropped: tuple[Constraint, ...]
    count: int
    min_price: float
    message: str


def relax(
    filters: SearchFilters, stats: Callable[[SearchFilters], tuple[int, float]]
) -> Relaxation | None:
    """Find the smallest set of constraints whose removal gives results.

    Args:
        filters: The filters that matched nothing.
        stats: Count of matching items and their lowest price, for a filter.

    Returns:
        The relaxation (None when even no filter at all matches anything).
    """
    parts = constraints(filters)
    described = ", ".join(c.describe(filters) for c in parts) or "no constraint"
    for size in range(1, len(parts) + 1):
        for dropped in combinations(parts, size):
            relaxed = without(filters, dropped)
            count, low = stats(relaxed)
            if count:
                names = " and ".join(c.label() for c in dropped)
                culprit = "; ".join(c.describe(filters) for c in dropped)
                message = (
                    f"No items match all of: {described}. Without {names} ({culprit}): "
                    f"{count} result{'s' if count != 1 else ''} from {_money(low)}."
                )
                return Relaxation(relaxed, dropped, count, low, message)
    return None
