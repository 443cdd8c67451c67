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
from collections.abc import Iterable

from assistant.store.models import OrderItem

Stock = dict[str, dict[str, dict[str, str]]]
"""The available variants tool results showed: product id → item id → options."""


def _named(value: str, said: str) -> bool:
    """Whether the option value `value` occurs as words in the shopper's text `said`."""
    return re.search(rf"(?<![\w.]){re.escape(value.lower())}(?![\w.])", said) is not None


def items_named(ordered: Iterable[OrderItem], text: str) -> list[tuple[int, str]]:
    """Where `text` names an ordered item by its name, and its item id.

    Args:
        ordered: The items of the orders tool results showed.
        text: One shopper message.
    """
    said = text.lower()
    found = []
    for item in ordered:
        name = item.name.lower()
        pattern = rf"(?<![\w.]){re.escape(name)}(?:e?s)?(?![\w.])"
        if name and (match := re.search(pattern, said)):
            found.append((match.start(), item.item_id))
    return found


def wanted_variants(ordered: Iterable[OrderItem], stock: Stock, said: str) -> set[str]:
    """The available variant item ids the shopper's words ask for, per ordered product.

    Args:
        ordered: The items of the orders tool results showed.
        stock: The available variants of the products tool results showed.
        said: Everything the shopper has written, lower-cased.
    """
    wanted: set[str] = set()
    for item in ordered:
        old = item.options
        scored = []
        for item_id, new in stock.get(item.product_id, {}).items():
            if item_id == item.item_id:
                continue
            asked = sum(1 for k, v in new.items() if v != old.get(k) and _named(str(v), said))
            kept = sum(1 for k, v in new.items() if v == old.get(k))
            if asked:
                scored.append(((asked, kept), item_id))
        if scored:
            best = max(score for score, _ in scored)
            wanted |= {item_id for score, item_id in scored if score == best}
    return wanted
