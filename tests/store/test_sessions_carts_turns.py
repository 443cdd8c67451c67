"""Sessions, carts and turn logs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.store import Store, StoreError, ToolCallRecord, TurnRecord
from assistant.store.models import SessionState
from tests.store.support import Clock


def test_session_save_load_update_delete(store: Store, clock: Clock) -> None:
    assert store.load_session("s1") is None
    store.save_session(SessionState(session_id="s1"))
    clock.advance(60)
    pending = {"name": "cancel_pending_order", "arguments": {"order_id": "#W1"}}
    store.save_session(
        SessionState(session_id="s1", user_id="ada_lovelace_1", pending_action=pending)
    )
    loaded = store.load_session("s1")
    assert loaded == SessionState("s1", "ada_lovelace_1", pending)
    created, updated = store.session_times("s1")  # type: ignore[misc]
    assert created == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert (updated - created).total_seconds() == 60
    store.save_session(SessionState(session_id="s1", user_id="ada_lovelace_1"))
    assert store.load_session("s1").pending_action is None  # type: ignore[union-attr]
    assert store.delete_session("s1") is True
    assert store.load_session("s1") is None
    assert store.delete_session("s1") is False


def test_cart_add_increments_and_keeps_order(store: Store) -> None:
    store.cart_add("s1", "3000000001")
    store.cart_add("s1", "2000000001", 2)
    cart = store.cart_add("s1", "3000000001")
    assert [(c.item_id, c.quantity) for c in cart] == [("3000000001", 2), ("2000000001", 2)]
    assert cart[0].name == "Desk Lamp" and cart[0].unit_price == 100.0
    assert cart[1].options == {"capacity": "500ml", "color": "blue"}
    assert store.cart_items("other-session") == []


def test_cart_remove_partial_and_whole(store: Store) -> None:
    store.cart_add("s1", "2000000001", 3)
    store.cart_add("s1", "3000000002")
    cart = store.cart_remove("s1", "2000000001", 2)
    assert [(c.item_id, c.quantity) for c in cart] == [("2000000001", 1), ("3000000002", 1)]
    cart = store.cart_remove("s1", "2000000001")
    assert [c.item_id for c in cart] == ["3000000002"]
    assert store.cart_clear("s1") == 1
    assert store.cart_items("s1") == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.cart_add("s1", "9999999999"), "unknown item id '9999999999'"),
        (lambda s: s.cart_add("s1", "2000000003"), "item 2000000003 is out of stock"),
        (lambda s: s.cart_add("s1", "2000000001", 0), "quantity must be at least 1, got 0"),
        (lambda s: s.cart_remove("s1", "3000000001"), "item 3000000001 is not in the cart"),
        (lambda s: s.cart_remove("s1", "2000000001", -1), "quantity must be at least 1"),
    ],
)
def test_cart_errors_change_nothing(store: Store, call, message: str) -> None:
    store.cart_add("s1", "2000000001")
    with pytest.raises(StoreError, match=message):
        call(store)
    assert [(c.item_id, c.quantity) for c in store.cart_items("s1")] == [("2000000001", 1)]


def test_cart_survives_reload_but_drops_items_gone_from_catalog(store: Store, world) -> None:
    store.cart_add("s1", "2000000001")
    store.cart_add("s1", "3000000001")
    del world["products"]["1000000002"]
    for order in world["orders"].values():
        order["items"] = [i for i in order["items"] if i["product_id"] != "1000000002"]
    store.load_tau2(world)
    assert [c.item_id for c in store.cart_items("s1")] == ["2000000001"]


def test_delete_session_empties_cart_but_keeps_turn_log(store: Store) -> None:
    store.save_session(SessionState(session_id="s1"))
    store.cart_add("s1", "2000000001")
    store.log_turn(TurnRecord(session_id="s1", user_message="hi", reply="hello"))
    store.delete_session("s1")
    assert store.cart_items("s1") == []
    assert len(store.turns("s1")) == 1


def test_turn_log_round_trip_and_indexes(store: Store, clock: Clock) -> None:
    call = ToolCallRecord(
        name="get_order_details", arguments={"order_id": "#W1"}, result={"status": "pending"}
    )
    first = store.log_turn(
        TurnRecord(
            session_id="s1",
            user_message="where is #W1?",
            reply="It is pending.",
            tool_calls=[call],
            timings={"llm": 1.5, "tools": 0.01},
            prompt_tokens=120,
            completion_tokens=12,
        )
    )
    clock.advance(5)
    second = store.log_turn(
        TurnRecord(session_id="s1", user_message="ok", reply="bye", grounding_failed=True)
    )
    store.log_turn(TurnRecord(session_id="s2", user_message="a", reply="b"))
    assert (first.turn_index, second.turn_index) == (0, 1)
    turns = store.turns("s1")
    assert turns == [first, second]
    assert turns[0].tool_calls[0].result == {"status": "pending"}
    assert turns[0].created_at == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert store.turns("s2")[0].turn_index == 0


def test_duplicate_turn_index_is_refused(store: Store) -> None:
    store.log_turn(TurnRecord(session_id="s1", turn_index=0, user_message="a", reply="b"))
    with pytest.raises(StoreError, match="turn 0 of session 's1' is already logged"):
        store.log_turn(TurnRecord(session_id="s1", turn_index=0, user_message="c", reply="d"))
    assert [t.user_message for t in store.turns("s1")] == ["a"]


def test_grounding_failures_counted_per_session_and_overall(store: Store) -> None:
    for session_id, failed in [("s1", True), ("s1", False), ("s1", True), ("s2", True)]:
        store.log_turn(
            TurnRecord(session_id=session_id, user_message="q", reply="r", grounding_failed=failed)
        )
    assert store.grounding_failures("s1") == 2
    assert store.grounding_failures("s2") == 1
    assert store.grounding_failures("s3") == 0
    assert store.grounding_failures() == 3
