"""A yes with a condition on items of a whole-order change asks again, saying what it covers."""

from __future__ import annotations

from assistant.engine.confirm import judge
from assistant.engine.requests import Requests
from assistant.store.models import OrderItem
from assistant.tools import default_registry

YES = Requests(kinds=frozenset({"confirm"}), scores={"confirm": 1.0})
NO = Requests(kinds=frozenset({"decline"}), scores={"decline": 1.0})
CANCEL = {
    "name": "cancel_pending_order",
    "arguments": {"order_id": "#W9102111", "reason": "no longer needed"},
}
ORDERED = [
    OrderItem(name="Laptop", product_id="1", item_id="4241599783", price=2324.61, options={}),
    OrderItem(name="Water Bottle", product_id="2", item_id="6469567736", price=47.84, options={}),
]


def test_a_yes_keeping_an_item_back_from_a_cancel_asks_again() -> None:
    verdict = judge(CANCEL, "yes, but I want to keep the laptop", YES, default_registry(), ORDERED)
    assert verdict.action == "ask_again"
    assert "whole order #W9102111" in verdict.message
    assert "Laptop (item 4241599783)" in verdict.message
    assert "cancel" in verdict.message.lower()


def test_a_plain_yes_runs_one_naming_an_item_asks_again_and_a_no_drops() -> None:
    registry = default_registry()
    assert judge(CANCEL, "ok sounds good", YES, registry, ORDERED).action == "run"
    assert judge(CANCEL, "yes please", YES, registry, ORDERED).action == "run"
    # Naming one item of the order in the yes may mean that item only: asked again.
    assert judge(CANCEL, "yes, just the laptop", YES, registry, ORDERED).action == "ask_again"
    assert judge(CANCEL, "no, keep the laptop", NO, registry, ORDERED).action == "drop"


def test_a_yes_naming_another_reason_or_another_orders_item_asks_again() -> None:
    registry = default_registry()
    mistake = judge(CANCEL, "yes, I ordered it by mistake", YES, registry, ORDERED)
    assert mistake.action == "ask_again" and "no longer needed" in mistake.message
    assert judge(CANCEL, "yes, I don't need it anymore", YES, registry, ORDERED).action == "run"
    lamp = [OrderItem(name="Desk Lamp", product_id="9", item_id="7624783998", price=1, options={})]
    other = judge(CANCEL, "yes, the one with the desk lamp", YES, registry, ORDERED, elsewhere=lamp)
    assert other.action == "ask_again" and "Desk Lamp (item 7624783998)" in other.message
    # An item of this order with the same name as one elsewhere is this order's.
    laptop = [OrderItem(name="Laptop", product_id="1", item_id="111", price=1, options={})]
    kept = judge(CANCEL, "yes cancel it", YES, registry, ORDERED, elsewhere=laptop)
    assert kept.action == "run"
