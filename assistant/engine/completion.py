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

from assistant.engine.sources import described_items
from retrieval.query import parse_query
from retrieval.sorting import sort_from_text
from retrieval.table import Vocabulary
from retrieval.text import normalize

MODEL_LEAVES_OUT: dict[str, tuple[str, ...]] = {"search_products": ("filters", "sort")}
"""Arguments the engine completes from the shopper's words, left out of what the model writes
when it must call the tool (it would guess them)."""


def _single(values: Sequence[str]) -> str | None:
    return values[0] if len(values) == 1 else None


def _refines(arguments: Mapping[str, Any], earlier: Mapping[str, Any] | None) -> bool:
    """The search narrows the one before it: its query starts with the earlier query (the
    engine wrote it so for a follow-up that names no new kind of product)."""
    if earlier is None or not earlier.get("query"):
        return False
    return str(arguments.get("query", "")).lower().startswith(str(earlier["query"]).lower())


def complete_search(
    arguments: Mapping[str, Any],
    shopper_text: str,
    vocabulary: Vocabulary,
    earlier: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The search arguments with the constraints of `shopper_text` filled in.

    A search that refines the one before it keeps that search's constraints the shopper did
    not restate ("only electric ones" keeps the $1000 budget; "the two cheapest" keeps
    "robotic").

    Args:
        arguments: The model's (validated) `search_products` arguments.
        shopper_text: The shopper's latest message.
        vocabulary: The catalog's types, options and brands.
        earlier: The arguments of the last search this conversation ran, if any.
    """
    query = str(arguments.get("query", ""))
    parsed = parse_query(shopper_text, vocabulary).filters
    if query.strip() in described_items(shopper_text, parsed.product_types):
        # One of several items the message describes: its constraints are its own words'.
        shopper_text = query
        parsed = parse_query(shopper_text, vocabulary).filters
    filters = dict(arguments.get("filters") or {})
    before = dict((earlier or {}).get("filters") or {}) if _refines(arguments, earlier) else {}
    if before.get("product_type") and not parsed.product_types:
        # Read the follow-up as about the product it refines: "only electric ones" (grills).
        in_context = parse_query(f"{before['product_type']} {shopper_text}", vocabulary).filters
        parsed = parsed.model_copy(update={"options": in_context.options})
    said_price = parsed.min_price is not None or parsed.max_price is not None
    for key, value in (("min_price", parsed.min_price), ("max_price", parsed.max_price)):
        if filters.get(key) is None:
            filters[key] = value if said_price else before.get(key)
    if filters.get("in_stock") is None:
        stated = parsed.available
        filters["in_stock"] = stated if stated is not None else before.get("in_stock")
    if not filters.get("product_type"):
        kind = _single(parsed.product_types) or _single(
            parse_query(str(arguments.get("query", "")), vocabulary).filters.product_types
        )
        if kind is None and earlier is not None and (parsed.options or parsed.max_price):
            kind = (earlier.get("filters") or {}).get("product_type")
        kind = kind or before.get("product_type")
        if kind:
            filters["product_type"] = kind
    options = {**(before.get("options") or {}), **dict(filters.get("options") or {})}
    kind_keys = _keys_of(filters.get("product_type"), vocabulary)
    for key, values in parsed.options.items():
        if key in (filters.get("options") or {}):
            continue
        if kind_keys is not None and key not in kind_keys:
            continue  # another item's option ("a water bottle and a wired mouse")
        chosen = _single(values) or _of_type(values, key, filters.get("product_type"), vocabulary)
        if chosen is not None:
            options[key] = chosen
    filters = {k: v for k, v in filters.items() if v is not None}
    if options:
        filters["options"] = options
    completed = {**arguments, "filters": filters or None}
    if arguments.get("sort", "relevance") == "relevance":
        completed["sort"] = sort_from_text(shopper_text)
        if completed["sort"] == "relevance" and before:
            completed["sort"] = (earlier or {}).get("sort", "relevance")
    return completed


def _keys_of(product_type: str | None, vocabulary: Vocabulary) -> set[str] | None:
    """The option names the product type has, or None when no (known) type is given."""
    if not product_type:
        return None
    keys = vocabulary.type_values.get(normalize(product_type))
    return set(keys) if keys else None


def _of_type(
    values: Sequence[str], key: str, product_type: str | None, vocabulary: Vocabulary
) -> str | None:
    """The one of several readings of an option ("small": S or small) the product type has."""
    if not product_type:
        return None
    have = vocabulary.type_values.get(normalize(product_type), {}).get(key, set())
    fitting = [v for v in values if v.lower() in have]
    return fitting[0] if len(fitting) == 1 else None
