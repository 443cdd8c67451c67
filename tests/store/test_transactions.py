"""Writes are transactional: a failure leaves the store exactly as it was."""

from __future__ import annotations

import pytest

from assistant.store import Store
from assistant.store.schema import PaymentMethodRow
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError
from assistant.tools.retail import RETAIL_TOOLS


def _gift_card_balance(store: Store) -> float:
    user = store.user("ada_lovelace_1")
    assert user is not None
    return user.payment_methods["gift_card_1"].balance  # type: ignore[union-attr]


def test_exception_in_a_transaction_rolls_everything_back(store: Store) -> None:
    before = store.dump_tau2()
    with pytest.raises(RuntimeError), store.transaction() as s:
        s.get(PaymentMethodRow, ("ada_lovelace_1", "gift_card_1")).balance = 0.0  # type: ignore[union-attr]
        store.cart_add("sess", "2000000001")  # joins the same transaction
        raise RuntimeError("boom")
    assert store.dump_tau2() == before
    assert store.cart_items("sess") == []


def test_committed_transaction_is_visible_to_a_new_store(store: Store) -> None:
    with store.transaction() as s:
        s.get(PaymentMethodRow, ("ada_lovelace_1", "gift_card_1")).balance = 7.5  # type: ignore[union-attr]
    other = Store(store.url)
    assert other.user("ada_lovelace_1").payment_methods["gift_card_1"].balance == 7.5  # type: ignore[union-attr]
    other.close()


def test_cancel_failing_midway_leaves_no_gift_card_refund(store: Store, ctx: ToolContext) -> None:
    # #W6 was paid partly by gift card, partly by a card the user no longer has: the gift
    # card refund happens first, then the missing card fails the call.
    before = store.dump_tau2()
    with pytest.raises(ToolError, match="Payment method not found"):
        RETAIL_TOOLS.get("cancel_pending_order").call(
            ctx, {"order_id": "#W6", "reason": "no longer needed"}
        )
    assert store.dump_tau2() == before
    assert _gift_card_balance(store) == 50.0


def test_modify_payment_failing_on_the_old_method_charges_nothing(
    store: Store, ctx: ToolContext, world: dict
) -> None:
    # Make #W6 a single payment from the vanished card: the new gift card is charged first,
    # then looking up the old method for its refund fails.
    world["orders"]["#W6"]["payment_history"] = [
        {"transaction_type": "payment", "amount": 40.0, "payment_method_id": "credit_card_gone"}
    ]
    store.load_tau2(world)
    before = store.dump_tau2()
    with pytest.raises(ToolError, match="Payment method not found"):
        RETAIL_TOOLS.get("modify_pending_order_payment").call(
            ctx, {"order_id": "#W6", "payment_method_id": "gift_card_1"}
        )
    assert store.dump_tau2() == before
