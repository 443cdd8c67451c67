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


def items_named(records: Iterable[Mapping[str, Any]], text: str) -> list[tuple[int, str]]:
    """Where `text` names an item of an order the tools returned by its name, and its item id.

    Args:
        records: JSON objects of tool results; orders have `order_id` and `items`.
        text: One shopper message.
    """
    said = text.lower()
    found = []
    for record in records:
        if "order_id" not in record:
            continue
        for item in json_objects(record.get("items")):
            name = str(item.get("name") or "").lower()
            pattern = rf"(?<![\w.]){re.escape(name)}(?:e?s)?(?![\w.])"
            if name and "item_id" in item and (match := re.search(pattern, said)):
                found.append((match.start(), str(item["item_id"])))
    return found


def wanted_variants(records: Iterable[Mapping[str, Any]], said: str) -> set[str]:
    """The available variant item ids the shopper's words ask for, per ordered product.

    Args:
        records: JSON objects of tool results: orders (`order_id`, `items` with `item_id`,
            `product_id`, `options`) and products (`product_id`, `variants`).
        said: Everything the shopper has written, lower-cased.
    """
    ordered: list[Mapping[str, Any]] = []
    variants: dict[str, Mapping[str, Any]] = {}
    for record in records:
        if "order_id" in record:
            ordered += json_objects(record.get("items"))
        if isinstance(record.get("variants"), Mapping):
            variants[str(record.get("product_id"))] = record["variants"]
    wanted: set[str] = set()
    for item in ordered:
        old = item.get("options") or {}
        scored = []
        for key, variant in (variants.get(str(item.get("product_id"))) or {}).items():
            if not isinstance(variant, Mapping) or not variant.get("available"):
                continue
            new = variant.get("options") or {}
            item_id = str(variant.get("item_id", key))
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
