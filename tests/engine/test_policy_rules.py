"""The store policy as a pure function of tool, arguments and session."""

from __future__ import annotations

import pytest

from assistant.engine.policy import (
    NOT_AUTHENTICATED,
    NOT_YOURS,
    ONE_SHOPPER,
    Policy,
    is_explicit_yes,
)
from assistant.store.models import SessionState
from assistant.tools.retail import RETAIL_TOOLS
from assistant.tools.shopping import SHOPPING_TOOLS

OWNERS = {"#W0000001": "alice_1", "#W0000002": "bob_2"}
policy = Policy(OWNERS.get)


def session(user_id: str | None = None) -> SessionState:
    return SessionState("s", user_id=user_id)


def check(tool: str, args: dict, user_id: str | None = None, confirmed: bool = False):
    registry = SHOPPING_TOOLS if tool in SHOPPING_TOOLS else RETAIL_TOOLS
    return policy.check_call(registry.get(tool), args, session(user_id), confirmed=confirmed)


def test_identity_lookups_are_always_allowed() -> None:
    assert check("find_user_id_by_email", {"email": "a@b.c"}).allowed
    assert check("find_user_id_by_name_zip", {"first_name": "A"}, user_id="alice_1").allowed


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("get_user_details", {"user_id": "alice_1"}),
        ("get_order_details", {"order_id": "#W0000001"}),
        ("cancel_pending_order", {"order_id": "#W0000001", "reason": "no longer needed"}),
    ],
)
def test_account_tools_need_authentication(tool: str, args: dict) -> None:
    decision = check(tool, args)
    assert not decision.allowed and decision.reason == NOT_AUTHENTICATED


def test_public_reads_need_no_authentication() -> None:
    assert check("get_product_details", {"product_id": "1"}).allowed
    assert check("search_products", {"query": "shoes"}).allowed
    assert check("calculate", {"expression": "1 + 1"}).allowed


def test_other_users_and_unknown_orders_get_the_same_refusal() -> None:
    stranger = check("get_order_details", {"order_id": "#W0000002"}, user_id="alice_1")
    missing = check("get_order_details", {"order_id": "#W9999999"}, user_id="alice_1")
    assert not stranger.allowed and stranger.reason == missing.reason
    assert stranger.reason == NOT_YOURS.format(what="order")
    other_user = check("get_user_details", {"user_id": "bob_2"}, user_id="alice_1")
    assert not other_user.allowed and other_user.reason == NOT_YOURS.format(what="user")


def test_writes_need_confirmation_even_when_owned() -> None:
    args = {"order_id": "#W0000001", "reason": "no longer needed"}
    decision = check("cancel_pending_order", args, user_id="alice_1")
    assert decision.allowed and decision.needs_confirmation
    confirmed = check("cancel_pending_order", args, user_id="alice_1", confirmed=True)
    assert confirmed.allowed and not confirmed.needs_confirmation
    # Confirmation never overrides ownership.
    stolen = {"order_id": "#W0000002", "reason": "no longer needed"}
    assert not check("cancel_pending_order", stolen, user_id="alice_1", confirmed=True).allowed


def test_cart_changes_run_at_once_without_authentication() -> None:
    decision = check("add_to_cart", {"item_id": "1234567890", "quantity": 1})
    assert decision.allowed and not decision.needs_confirmation


def test_one_shopper_per_session() -> None:
    s = session()
    assert policy.check_identity("alice_1", s).allowed
    policy.authenticate(s, "alice_1")
    assert policy.check_identity("alice_1", s).allowed
    refused = policy.check_identity("bob_2", s)
    assert not refused.allowed and refused.reason == ONE_SHOPPER


def test_round_cap_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_tool_rounds"):
        Policy(OWNERS.get, max_tool_rounds=0)


@pytest.mark.parametrize(
    "text",
    ["yes", "Yes.", "YES please", "Yes, go ahead.", "yep", "Sure, do it", "I confirm",
     "Yes, please cancel it.", "go ahead", "Yes, that's right.", "ok sounds good",
     "perfect, yes", "alright then", "fine by me", "sounds great, thanks", "okay, let's do it"],
)  # fmt: skip
def test_explicit_yes(text: str) -> None:
    assert is_explicit_yes(text)


@pytest.mark.parametrize(
    "text",
    ["no", "yes?", "yes but use my gift card", "Yes, wait", "not yes", "ok", "",
     "Yes, and actually change the address first", "maybe", "hmm yes", "thank you",
     "ok, show me laptops", "great, now the blue one", "sounds good, but not the mug",
     "yes " + "really " * 20],
)  # fmt: skip
def test_not_an_explicit_yes(text: str) -> None:
    assert not is_explicit_yes(text)
