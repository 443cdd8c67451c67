"""Sort orders asked for in words: "cheapest", "most expensive", "biggest", "lowest price first".

A superlative asks for an order over every item that meets the other constraints, not over
the few the relevance ranking put first: "the cheapest laptop" is the lowest-priced laptop.
Size-like superlatives sort by an option whose values are measures (capacity, storage,
screen size, ...), read from the catalog's own values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal, TypeVar

Sort = Literal["relevance", "price_asc", "price_desc", "size_asc", "size_desc"]

_PRICE_LOW = re.compile(
    r"\b(cheapest|cheaper|least expensive|lowest[- ]priced?|lowest price|most affordable|"
    r"budget|inexpensive|price low to high|low to high|cheapest first|barato|m[aá]s barat[oa]|"
    r"moins cher|billigste?n?)\b",
    re.IGNORECASE,
)
_PRICE_HIGH = re.compile(
    r"\b(most expensive|priciest|pricier|highest[- ]priced?|highest price|top of the line|"
    r"top-end|high-end|price high to low|high to low|m[aá]s car[oa]|plus cher|teuerste?n?)\b",
    re.IGNORECASE,
)
_SIZE_HIGH = re.compile(r"\b(biggest|largest|most (?:storage|capacity|space|memory))\b", re.I)
_SIZE_LOW = re.compile(r"\b(smallest|most compact|tiniest)\b", re.IGNORECASE)
_MEASURE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:[a-z\"']{0,6}|-?inch(?:es)?)\s*$", re.IGNORECASE)
_UNIT_SCALE = {"tb": 1024.0, "gb": 1.0, "mb": 1 / 1024, "l": 1000.0, "ml": 1.0}

T = TypeVar("T")


def sort_from_text(text: str) -> Sort:
    """The order a shopper's words ask for; `relevance` when they ask for none."""
    if _PRICE_HIGH.search(text):
        return "price_desc"
    if _PRICE_LOW.search(text):
        return "price_asc"
    if _SIZE_HIGH.search(text):
        return "size_desc"
    if _SIZE_LOW.search(text):
        return "size_asc"
    return "relevance"


def measure(value: str) -> float | None:
    """A measure-like option value as a number in a common unit: '1TB' → 1024, '750ml' → 750."""
    match = _MEASURE.match(value)
    if match is None:
        return None
    number = float(match.group(1))
    unit = value[match.end(1) :].strip().lower().strip("\"'-")
    return number * _UNIT_SCALE.get(unit, 1.0)


def size_option(option_sets: Iterable[Mapping[str, str]]) -> str | None:
    """The option whose values are measures in the most of these items (None if none is)."""
    counts: dict[str, int] = {}
    for options in option_sets:
        for key, value in options.items():
            if measure(value) is not None:
                counts[key] = counts.get(key, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def sort_items(
    items: Sequence[T],
    sort: Sort,
    price: Callable[[T], float],
    options: Callable[[T], Mapping[str, str]],
) -> list[T]:
    """`items` (best first) in the asked-for order; ties keep their relevance order.

    Args:
        items: The candidates, in relevance order.
        sort: The order.
        price: The price of an item.
        options: The option values of an item.
    """
    if sort == "relevance":
        return list(items)
    if sort in ("price_asc", "price_desc"):
        return sorted(items, key=price, reverse=sort == "price_desc")
    key = size_option(options(i) for i in items)
    if key is None:
        return list(items)
    sized = [(i, measure(options(i).get(key, ""))) for i in items]
    known = [(i, m) for i, m in sized if m is not None]
    known.sort(key=lambda pair: pair[1], reverse=sort == "size_desc")
    return [i for i, _ in known] + [i for i, m in sized if m is None]
