"""Ordered items named in the shopper's words: full name, last word, or first word."""

from __future__ import annotations

from assistant.engine.order_changes import items_named
from assistant.store.models import OrderItem


def _item(name: str, item_id: str) -> OrderItem:
    return OrderItem(name=name, product_id=item_id, item_id=item_id, price=1.0, options={})


ORDER = [_item("Fleece Jacket", "1"), _item("Hiking Boots", "2"), _item("Smart Watch", "3")]


def test_items_are_named_by_full_name_last_word_or_first_word() -> None:
    assert [i for _, i in items_named(ORDER, "the hiking bots are too small")] == ["2"]
    assert [i for _, i in items_named(ORDER, "return the boots")] == ["2"]
    assert [i for _, i in items_named(ORDER, "the navy fleece I got is huge on me")] == ["1"]


def test_a_first_word_names_nothing_when_shared_generic_or_another_item_is_named() -> None:
    assert items_named(ORDER, "is it a smart choice?") == []
    assert [i for _, i in items_named(ORDER, "the fleece and the watch")] == ["3"]
    two = [_item("Fleece Jacket", "1"), _item("Fleece Blanket", "4")]
    assert items_named(two, "the fleece one") == []
