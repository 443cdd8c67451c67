"""Arguments completed from the shopper's own words before a search runs.

The shopper's constraints ("under $50", "in black, size 9", "in stock", "the cheapest") are
read from the shopper's message with the catalog's query understanding and added to the
model's search call where the model left them out, so a constraint the shopper stated is
never lost to a shorter query. A follow-up that only refines ("any in size S?") keeps the
product type of the search it refines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from retrieval.query import parse_query
from retrieval.sorting import sort_from_text
from retrieval.table import Vocabulary

MODEL_LEAVES_OUT: dict[str, tuple[str, ...]] = {"search_products": ("filters", "sort")}
"""Arguments the engine completes from the shopper's words, left out of what the model writes
when it must call the tool (it would guess them)."""


def _single(values: Sequence[str]) -> str | None:
    return values[0] if len(values) == 1 else None


def complete_search(
    arguments: Mapping[str, Any],
    shopper_text: str,
    vocabulary: Vocabulary,
    earlier: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The search arguments with the constraints of `shopper_text` filled in.

    Args:
        arguments: The model's (validated) `search_products` arguments.
        shopper_text: The shopper's latest message.
        vocabulary: The catalog's types, options and brands.
        earlier: The arguments of the last search this conversation ran, if any.
    """
    parsed = parse_query(shopper_text, vocabulary).filters
    filters = dict(arguments.get("filters") or {})
    if filters.get("min_price") is None and parsed.min_price is not None:
        filters["min_price"] = parsed.min_price
    if filters.get("max_price") is None and parsed.max_price is not None:
        filters["max_price"] = parsed.max_price
    if filters.get("in_stock") is None and parsed.available is not None:
        filters["in_stock"] = parsed.available
    if not filters.get("product_type"):
        kind = _single(parsed.product_types) or _single(
            parse_query(str(arguments.get("query", "")), vocabulary).filters.product_types
        )
        if kind is None and earlier is not None and (parsed.options or parsed.max_price):
            kind = (earlier.get("filters") or {}).get("product_type")
        if kind:
            filters["product_type"] = kind
    options = dict(filters.get("options") or {})
    for key, values in parsed.options.items():
        if key not in options and (value := _single(values)) is not None:
            options[key] = value
    if options:
        filters["options"] = options
    completed = {**arguments, "filters": filters or None}
    if arguments.get("sort", "relevance") == "relevance":
        completed["sort"] = sort_from_text(shopper_text)
    return completed
