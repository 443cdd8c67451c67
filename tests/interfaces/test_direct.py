"""The direct tool-call path: same registry validation and store policy as the dialogue."""

from __future__ import annotations

import uuid
from typing import Any

from assistant.engine.direct import call_tool, confirm, pending_action
from assistant.services import Services
from tests.interfaces.support import SHOPPER_A, SHOPPER_B, SHOPPER_C, in_stock_items


def new_session() -> str:
    return f"direct-{uuid.uuid4().hex}"


def sign_in(engine: Any, session_id: str, shopper: dict[str, str]) -> None:
    result = call_tool(engine, session_id, "find_user_id_by_email", {"email": shopper["email"]})
    assert result.ok and result.data == shopper["user_id"], result


def test_sign_in_authenticates_the_session(services: Services) -> None:
    engine, sid = services.engine, new_session()
    before = call_tool(engine, sid, "get_order_details", {"order_id": SHOPPER_A["pending"]})
    assert before.status == "refused" and "not authenticated" in before.error
    sign_in(engine, sid, SHOPPER_A)
    assert engine.store.load_session(sid).user_id == SHOPPER_A["user_id"]
    after = call_tool(engine, sid, "get_order_details", {"order_id": SHOPPER_A["pending"]})
    assert after.ok and after.data["user_id"] == SHOPPER_A["user_id"]


def test_name_and_zip_sign_in(services: Services, store: Any) -> None:
    user = store.user(SHOPPER_B["user_id"])
    arguments = {
        "first_name": user.name.first_name,
        "last_name": user.name.last_name,
        "zip": user.address.zip,
    }
    result = call_tool(services.engine, new_session(), "find_user_id_by_name_zip", arguments)
    assert result.ok and result.user_id == SHOPPER_B["user_id"]


def test_ownership_and_one_shopper_per_session(services: Services) -> None:
    engine, sid = services.engine, new_session()
    sign_in(engine, sid, SHOPPER_A)
    other = call_tool(engine, sid, "get_order_details", {"order_id": SHOPPER_B["pending"]})
    assert other.status == "refused" and other.data is None
    profile = call_tool(engine, sid, "get_user_details", {"user_id": SHOPPER_B["user_id"]})
    assert profile.status == "refused" and profile.data is None
    switch = call_tool(engine, sid, "find_user_id_by_email", {"email": SHOPPER_B["email"]})
    assert switch.status == "refused" and switch.data is None
    assert engine.store.load_session(sid).user_id == SHOPPER_A["user_id"]


def test_arguments_are_validated_against_the_registry(services: Services) -> None:
    engine, sid = services.engine, new_session()
    bad = call_tool(engine, sid, "search_products", {"query": "lamp", "filters": {"max_price": -1}})
    assert bad.status == "invalid_arguments"
    assert bad.details[0]["loc"] == ["filters", "max_price"], bad.details
    extra = call_tool(engine, sid, "view_cart", {"everything": True})
    assert extra.status == "invalid_arguments" and "everything" in extra.error
    assert call_tool(engine, sid, "drop_tables", {}).status == "unknown_tool"
    assert call_tool(engine, sid, "view_cart", ["not", "a", "dict"]).status == "invalid_arguments"


def _cancel(engine: Any, sid: str, shopper: dict[str, str] = SHOPPER_A) -> Any:
    arguments = {"order_id": shopper["pending"], "reason": "no longer needed"}
    return call_tool(engine, sid, "cancel_pending_order", arguments)


def test_change_needs_confirmation_and_runs_exactly_once(services: Services, store: Any) -> None:
    engine, sid = services.engine, new_session()
    sign_in(engine, sid, SHOPPER_C)
    order = SHOPPER_C["pending"]
    first = _cancel(engine, sid, SHOPPER_C)
    assert first.status == "confirmation_needed" and order in first.summary
    assert store.order(order).status == "pending"
    assert pending_action(engine, sid)["action_id"] == first.action_id
    mismatch = confirm(engine, sid, expected="0" * 16)
    assert mismatch.status == "action_mismatch" and store.order(order).status == "pending"
    done = confirm(engine, sid, expected=first.action_id)
    assert done.ok and store.order(order).status == "cancelled"
    assert confirm(engine, sid).status == "nothing_pending"


def test_cart_changes_run_at_once_and_can_be_undone(services: Services, store: Any) -> None:
    engine, sid = services.engine, new_session()
    item = in_stock_items(store)[0]
    added = call_tool(engine, sid, "add_to_cart", {"item_id": item, "quantity": 2})
    assert added.ok and [(i.item_id, i.quantity) for i in store.cart_items(sid)] == [(item, 2)]
    assert pending_action(engine, sid) is None
    assert call_tool(engine, sid, "undo_cart_change", {}).ok and store.cart_items(sid) == []
    nothing = call_tool(engine, sid, "undo_cart_change", {})
    assert nothing.status == "tool_error" and nothing.error == "there is no cart change to undo"


def test_any_other_call_drops_the_pending_change(services: Services, store: Any) -> None:
    engine, sid = services.engine, new_session()
    sign_in(engine, sid, SHOPPER_A)
    before = store.order(SHOPPER_A["pending"])
    assert _cancel(engine, sid).status in ("confirmation_needed", "tool_error")
    assert call_tool(engine, sid, "view_cart", {}).ok
    assert pending_action(engine, sid) is None
    assert confirm(engine, sid).status == "nothing_pending"
    assert store.order(SHOPPER_A["pending"]) == before


def test_pending_change_can_be_confirmed_in_the_chat(services: Services, store: Any) -> None:
    """The session is shared: a change left pending by a direct call runs on a chat "yes"."""
    engine, sid = services.engine, new_session()
    sign_in(engine, sid, SHOPPER_B)
    order = SHOPPER_A["pending"]  # not hers: the policy refuses before anything is pending
    refused = call_tool(
        engine, sid, "cancel_pending_order", {"order_id": order, "reason": "no longer needed"}
    )
    assert refused.status == "refused" and pending_action(engine, sid) is None
    assert _cancel(engine, sid, SHOPPER_B).status == "confirmation_needed"
    outcome = engine.respond(sid, "yes")
    assert [e.name for e in outcome.tool_calls][:1] == ["cancel_pending_order"]
    assert store.order(SHOPPER_B["pending"]).status == "cancelled"
