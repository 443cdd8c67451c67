"""What an order change is about, from the shopper's words: which items, which new variants.

Items: a shopper names the items of an order by their product name ("the Electric Kettle
and the Hiking Boots from #W3433080"); `items_named` finds them, where the message says
them.

New variants: an item change swaps an ordered item for another variant of the same
product. The shopper names what should differ ("green", "size 9") and expects everything
else to stay as it was. Given the order and the product's variants as the tools returned
them, the wanted variants are the available ones that take the most of the option values
the shopper named (where they differ from the ordered item), then keep the most of the
ordered item's other options. When the shopper named no option value of a variant, nothing
is inferred.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any


def json_objects(value: Any) -> list[Mapping[str, Any]]:
    """The JSON objects in `value`, a list from a tool result (anything else: none)."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _named(value: str, said: str) -> bool:
    """Whether the option value `value` occurs as words in the shopper's text `said`."""
    return re.search(rf"(?<![\w.]){re.escape(value.lower())}(?![\w.])", said) is not None


def in_stock(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Mapping[str, Any]]]:
    """The available variants of the products tool results showed: product id, item id, options.

    Args:
        records: JSON objects of tool results; products have `product_id` and `variants`.
    """
    stock: dict[str, dict[str, Mapping[str, Any]]] = {}
    for record in records:
        variants = record.get("variants")
        if not isinstance(variants, Mapping):
            continue
        for key, variant in variants.items():
            if isinstance(variant, Mapping) and variant.get("available"):
                options = variant.get("options") or {}
                stock.setdefault(str(record.get("product_id")), {})[
                    str(variant.get("item_id", key))
                ] = options
    return stock


def items_named(ordered: Iterable[Mapping[str, Any]], text: str) -> list[tuple[int, str]]:
    """Where `text` names an ordered item by its name, and its item id.

    Args:
        ordered: The items of the orders tool results showed (`name`, `item_id`).
        text: One shopper message.
    """
    said = text.lower()
    found = []
    for item in ordered:
        name = str(item.get("name") or "").lower()
        pattern = rf"(?<![\w.]){re.escape(name)}(?:e?s)?(?![\w.])"
        if name and "item_id" in item and (match := re.search(pattern, said)):
            found.append((match.start(), str(item["item_id"])))
    return found


def wanted_variants(
    ordered: Iterable[Mapping[str, Any]],
    stock: Mapping[str, Mapping[str, Mapping[str, Any]]],
    said: str,
) -> set[str]:
    """The available variant item ids the shopper's words ask for, per ordered product.

    Args:
        ordered: The items of the orders tool results showed (`item_id`, `product_id`,
            `options`).
        stock: The available variants of the products tool results showed (`in_stock`).
        said: Everything the shopper has written, lower-cased.
    """
    wanted: set[str] = set()
    for item in ordered:
        old = item.get("options") or {}
        scored = []
        for item_id, new in (stock.get(str(item.get("product_id"))) or {}).items():
            if item_id == str(item.get("item_id")):
                continue
            asked = sum(1 for k, v in new.items() if v != old.get(k) and _named(str(v), said))
            kept = sum(1 for k, v in new.items() if v == old.get(k))
            if asked:
                scored.append(((asked, kept), item_id))
        if scored:
            best = max(score for score, _ in scored)
            wanted |= {item_id for score, item_id in scored if score == best}
    return wanted
