"""The customer-service tools: τ² semantics, effects and failure paths on a tiny world."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import RootModel

from assistant.store import Store
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolArgumentsError, ToolError, ToolKind
from assistant.tools.retail import RETAIL_TOOLS

TAU2_TOOL_NAMES = {
    "find_user_id_by_email",
    "find_user_id_by_name_zip",
    "get_user_details",
    "get_order_details",
    "get_product_details",
    "list_all_product_types",
    "cancel_pending_order",
    "modify_pending_order_items",
    "modify_pending_order_address",
    "modify_pending_order_payment",
    "modify_user_address",
    "return_delivered_order_items",
    "exchange_delivered_order_items",
    "calculate",
    "transfer_to_human_agents",
}
ADDRESS = {
    "address1": "9 New Rd",
    "address2": "",
    "city": "Boston",
    "state": "MA",
    "country": "USA",
    "zip": "02108",
}


def call(ctx: ToolContext, name: str, **arguments: Any) -> Any:
    """The tool's result, checked to be its declared type; τ²'s bare strings unwrapped."""
    tool = RETAIL_TOOLS.get(name)
    result = tool.call(ctx, arguments)
    assert isinstance(result, tool.result_type)
    return result.root if isinstance(result, RootModel) else result


def gift_balance(store: Store, user_id: str = "ada_lovelace_1", card: str = "gift_card_1"):
    return store.user(user_id).payment_methods[card].balance  # type: ignore[union-attr]


def test_registry_has_tau2_tools_with_kinds_and_auth() -> None:
    assert set(RETAIL_TOOLS.names()) == TAU2_TOOL_NAMES
    writes = {t.name for t in RETAIL_TOOLS if t.kind is ToolKind.CHANGE}
    assert writes == {
        n for n in TAU2_TOOL_NAMES if n.startswith(("cancel", "modify", "return", "exchange"))
    }
    open_tools = {t.name for t in RETAIL_TOOLS if not t.needs_auth}
    assert open_tools == {
        "find_user_id_by_email",
        "find_user_id_by_name_zip",
        "get_product_details",
        "list_all_product_types",
        "calculate",
        "transfer_to_human_agents",
    }


def test_schemas_keep_tau2_warnings_and_hide_the_context() -> None:
    schema = RETAIL_TOOLS.get("get_order_details").openai_schema()["function"]
    params = schema["parameters"]
    assert list(params["properties"]) == ["order_id"]
    assert "'#' symbol" in params["properties"]["order_id"]["description"]
    exchange = RETAIL_TOOLS.get("exchange_delivered_order_items").openai_schema()["function"]
    assert exchange["parameters"]["properties"]["item_ids"]["type"] == "array"
    assert "explicit user confirmation" in exchange["description"]


def test_lookups(ctx: ToolContext) -> None:
    assert call(ctx, "find_user_id_by_email", email="alan.turing@example.COM") == "alan_turing_2"
    assert (
        call(ctx, "find_user_id_by_name_zip", first_name="ADA", last_name="lovelace", zip="73301")
        == "ada_lovelace_1"
    )
    for name, args in [
        ("find_user_id_by_email", {"email": "nobody@example.com"}),
        ("find_user_id_by_name_zip", {"first_name": "Ada", "last_name": "Lovelace", "zip": "1"}),
        ("get_user_details", {"user_id": "nobody"}),
    ]:
        with pytest.raises(ToolError, match=r"^User not found$"):
            call(ctx, name, **args)
    with pytest.raises(ToolError, match=r"^Order not found$"):
        call(ctx, "get_order_details", order_id="W1")  # the '#' is part of the id
    with pytest.raises(ToolError, match=r"^Product not found$"):
        call(ctx, "get_product_details", product_id="2000000001")  # an item id


def test_read_results(ctx: ToolContext) -> None:
    user = call(ctx, "get_user_details", user_id="ada_lovelace_1")
    assert user.orders[0] == "#W1" and user.payment_methods["paypal_1"].source == "paypal"
    order = call(ctx, "get_order_details", order_id="#W3")
    assert order.model_dump()["cancel_reason"] is None and len(order.items) == 2
    product = call(ctx, "get_product_details", product_id="1000000001")
    assert list(product.variants) == ["2000000001", "2000000002", "2000000003"]
    types = json.loads(call(ctx, "list_all_product_types"))
    assert types == {"Desk Lamp": "1000000002", "Water Bottle": "1000000001"}
    assert call(ctx, "transfer_to_human_agents", summary="wants a human") == "Transfer successful"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 + 2", "4.0"),
        ("(10 - 4) / 4", "1.5"),
        ("1 / 3", "0.33"),
        ("-2 ** 2", "-4.0"),
        ("7 // 2", "3.0"),
        ("100.999", "101.0"),
    ],
)
def test_calculate(ctx: ToolContext, expression: str, expected: str) -> None:
    assert call(ctx, "calculate", expression=expression) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("2 + x", "Invalid characters in expression"),
        ("__import__('os')", "Invalid characters in expression"),
        ("1 / 0", "division by zero"),
        ("1 +", "Invalid expression"),
        ("9 ** 9 ** 9", "Result too large"),
        ("(1)(2)", "Invalid expression"),
    ],
)
def test_calculate_errors(ctx: ToolContext, expression: str, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        call(ctx, "calculate", expression=expression)


def test_arguments_are_validated(ctx: ToolContext) -> None:
    with pytest.raises(ToolArgumentsError, match="item_ids"):
        call(
            ctx,
            "return_delivered_order_items",
            order_id="#W3",
            item_ids="2000000001",
            payment_method_id="paypal_1",
        )


# -- writes: effects -----------------------------------------------------------------------


def test_cancel_refunds_gift_card_at_once(ctx: ToolContext, store: Store) -> None:
    order = call(ctx, "cancel_pending_order", order_id="#W2", reason="ordered by mistake")
    assert order.status == "cancelled" and order.cancel_reason == "ordered by mistake"
    assert [(p.transaction_type, p.amount) for p in order.payment_history] == [
        ("payment", 20.5),
        ("refund", 20.5),
    ]
    assert gift_balance(store) == 70.5
    assert store.order("#W2") == order


def test_cancel_to_credit_card_leaves_gift_cards_alone(ctx: ToolContext, store: Store) -> None:
    call(ctx, "cancel_pending_order", order_id="#W1", reason="no longer needed")
    assert gift_balance(store) == 50.0
    assert store.order("#W1").payment_history[-1].payment_method_id == "credit_card_1"  # type: ignore[union-attr]


def test_modify_items_pays_difference_from_gift_card(ctx: ToolContext, store: Store) -> None:
    order = call(
        ctx,
        "modify_pending_order_items",
        order_id="#W2",
        item_ids=["2000000001"],
        new_item_ids=["2000000002"],
        payment_method_id="gift_card_1",
    )
    assert order.status == "pending (item modified)"
    assert order.items[0].item_id == "2000000002" and order.items[0].price == 30.25
    assert order.items[0].options == {"capacity": "1000ml", "color": "blue"}
    assert order.payment_history[-1].model_dump() == {
        "transaction_type": "payment",
        "amount": 9.75,
        "payment_method_id": "gift_card_1",
    }
    assert gift_balance(store) == 40.25


def test_modify_items_copies_last_variant_price_to_every_item(ctx: ToolContext) -> None:
    # τ² sets price and options of every modified item from the variant checked last.
    order = call(
        ctx,
        "modify_pending_order_items",
        order_id="#W1",
        item_ids=["2000000001", "3000000001"],
        new_item_ids=["2000000002", "3000000002"],
        payment_method_id="credit_card_1",
    )
    assert [i.item_id for i in order.items] == ["2000000002", "3000000002"]
    assert [i.price for i in order.items] == [250.0, 250.0]
    assert order.items[0].options == {"color": "black"}
    # the payment is still the true difference: 9.75 + 150
    assert order.payment_history[-1].amount == 159.75


def test_modify_address_and_payment(ctx: ToolContext, store: Store) -> None:
    order = call(ctx, "modify_pending_order_address", order_id="#W5", **ADDRESS)
    assert order.address.model_dump() == ADDRESS
    order = call(ctx, "modify_pending_order_payment", order_id="#W1", payment_method_id="paypal_1")
    assert [(p.transaction_type, p.payment_method_id) for p in order.payment_history] == [
        ("payment", "credit_card_1"),
        ("payment", "paypal_1"),
        ("refund", "credit_card_1"),
    ]
    call(ctx, "modify_pending_order_payment", order_id="#W2", payment_method_id="paypal_1")
    assert gift_balance(store) == 70.5  # refunded to the old gift card


def test_modify_user_address_changes_only_the_profile(ctx: ToolContext, store: Store) -> None:
    user = call(ctx, "modify_user_address", user_id="ada_lovelace_1", **ADDRESS)
    assert user.address.model_dump() == ADDRESS
    assert store.order("#W1").address.zip == "73301"  # type: ignore[union-attr]


def test_return_and_exchange(ctx: ToolContext, store: Store) -> None:
    order = call(
        ctx,
        "return_delivered_order_items",
        order_id="#W3",
        item_ids=["2000000001", "2000000001"],
        payment_method_id="gift_card_1",  # a gift card is always allowed
    )
    assert order.status == "return requested"
    assert order.return_items == ["2000000001", "2000000001"]
    assert gift_balance(store) == 50.0  # refunded later, not now


def test_exchange_records_rounded_difference(ctx: ToolContext, store: Store) -> None:
    order = call(
        ctx,
        "exchange_delivered_order_items",
        order_id="#W3",
        item_ids=["2000000001", "2000000001"],
        new_item_ids=["2000000002", "2000000001"],
        payment_method_id="paypal_1",
    )
    assert order.status == "exchange requested"
    assert order.exchange_items == ["2000000001", "2000000001"]
    assert order.exchange_new_items == ["2000000001", "2000000002"]  # sorted, as τ²
    assert order.exchange_price_difference == 9.75
    assert order.items[0].item_id == "2000000001"  # items change only when the exchange ships


# -- writes: failure paths (each leaves the store unchanged) --------------------------------

FAILURES = [
    ("cancel_pending_order", {"order_id": "#W9", "reason": "no longer needed"}, "Order not found"),
    (
        "cancel_pending_order",
        {"order_id": "#W4", "reason": "no longer needed"},
        "Non-pending order cannot be cancelled",
    ),
    (
        "cancel_pending_order",
        {"order_id": "#W5", "reason": "no longer needed"},
        "Non-pending order cannot be cancelled",
    ),
    ("cancel_pending_order", {"order_id": "#W1", "reason": "too expensive"}, "Invalid reason"),
    (
        "modify_pending_order_items",
        {
            "order_id": "#W5",
            "item_ids": ["3000000002"],
            "new_item_ids": ["3000000001"],
            "payment_method_id": "paypal_1",
        },
        "Non-pending order cannot be modified",
    ),
    (
        "modify_pending_order_items",
        {
            "order_id": "#W1",
            "item_ids": ["2000000002"],
            "new_item_ids": ["2000000001"],
            "payment_method_id": "paypal_1",
        },
        "2000000002 not found",
    ),
    (
        "modify_pending_order_items",
        {
            "order_id": "#W1",
            "item_ids": ["2000000001"],
            "new_item_ids": [],
            "payment_method_id": "paypal_1",
        },
        "The number of items to be exchanged should match",
    ),
    (
        "modify_pending_order_items",
        {
            "order_id": "#W1",
            "item_ids": ["2000000001"],
            "new_item_ids": ["2000000001"],
            "payment_method_id": "paypal_1",
        },
        "The new item id should be different from the old",
    ),
    (
        "modify_pending_order_items",
        {
            "order_id": "#W1",
            "item_ids": ["2000000001"],
            "new_item_ids": ["2000000003"],
            "payment_method_id": "paypal_1",
        },
        "New item 2000000003 not found or available",
    ),
    (
        "modify_pending_order_items",
        {
            "order_id": "#W1",
            "item_ids": ["2000000001"],
            "new_item_ids": ["3000000002"],
            "payment_method_id": "paypal_1",
        },
        "Variant not found",
    ),
    (
        "modify_pending_order_items",
        {
            "order_id": "#W1",
            "item_ids": ["3000000001"],
            "new_item_ids": ["3000000002"],
            "payment_method_id": "gift_card_1",
        },
        "Insufficient gift card balance to pay for the new item",
    ),
    (
        "modify_pending_order_items",
        {
            "order_id": "#W1",
            "item_ids": ["3000000001"],
            "new_item_ids": ["3000000002"],
            "payment_method_id": "gift_card_2",
        },
        "Payment method not found",
    ),
    (
        "modify_pending_order_address",
        {"order_id": "#W3", **ADDRESS},
        "Non-pending order cannot be modified",
    ),
    (
        "modify_pending_order_payment",
        {"order_id": "#W4", "payment_method_id": "paypal_1"},
        "Non-pending order cannot be modified",
    ),
    (
        "modify_pending_order_payment",
        {"order_id": "#W1", "payment_method_id": "credit_card_1"},
        "The new payment method should be different from the current one",
    ),
    (
        "modify_pending_order_payment",
        {"order_id": "#W1", "payment_method_id": "gift_card_1"},
        "Insufficient gift card balance to pay for the order",
    ),
    (
        "modify_pending_order_payment",
        {"order_id": "#W6", "payment_method_id": "paypal_1"},
        "There should be exactly one payment for a pending order",
    ),
    (
        "modify_pending_order_payment",
        {"order_id": "#W1", "payment_method_id": "bitcoin_1"},
        "Payment method not found",
    ),
    ("modify_user_address", {"user_id": "nobody", **ADDRESS}, "User not found"),
    (
        "return_delivered_order_items",
        {"order_id": "#W1", "item_ids": ["2000000001"], "payment_method_id": "credit_card_1"},
        "Non-delivered order cannot be returned",
    ),
    (
        "return_delivered_order_items",
        {"order_id": "#W3", "item_ids": ["2000000001"], "payment_method_id": "credit_card_1"},
        "Payment method should be the original payment method",
    ),
    (
        "return_delivered_order_items",
        {"order_id": "#W3", "item_ids": ["2000000001"] * 3, "payment_method_id": "paypal_1"},
        "Some item not found",
    ),
    (
        "exchange_delivered_order_items",
        {
            "order_id": "#W2",
            "item_ids": ["2000000001"],
            "new_item_ids": ["2000000002"],
            "payment_method_id": "paypal_1",
        },
        "Non-delivered order cannot be exchanged",
    ),
    (
        "exchange_delivered_order_items",
        {
            "order_id": "#W3",
            "item_ids": ["2000000001"] * 3,
            "new_item_ids": ["2000000002"] * 3,
            "payment_method_id": "paypal_1",
        },
        r"Number of 2000000001 not found\.",
    ),
    (
        "exchange_delivered_order_items",
        {
            "order_id": "#W3",
            "item_ids": ["2000000001"],
            "new_item_ids": [],
            "payment_method_id": "paypal_1",
        },
        r"The number of items to be exchanged should match\.",
    ),
    (
        "exchange_delivered_order_items",
        {
            "order_id": "#W3",
            "item_ids": ["2000000001"],
            "new_item_ids": ["2000000003"],
            "payment_method_id": "paypal_1",
        },
        "New item 2000000003 not found or available",
    ),
    (
        "exchange_delivered_order_items",
        {
            "order_id": "#W3",
            "item_ids": ["2000000001"],
            "new_item_ids": ["9999999999"],
            "payment_method_id": "paypal_1",
        },
        "Variant not found",
    ),
]


@pytest.mark.parametrize(("name", "arguments", "message"), FAILURES)
def test_write_failures_raise_tau2_messages_and_change_nothing(
    ctx: ToolContext, store: Store, name: str, arguments: dict[str, Any], message: str
) -> None:
    before = store.dump_tau2()
    with pytest.raises(ToolError, match=message):
        call(ctx, name, **arguments)
    assert store.dump_tau2() == before


def test_exchange_needs_gift_card_balance_for_the_difference(
    ctx: ToolContext, store: Store, world: dict
) -> None:
    world["users"]["ada_lovelace_1"]["payment_methods"]["gift_card_1"]["balance"] = 9.74
    store.load_tau2(world)
    with pytest.raises(ToolError, match="Insufficient gift card balance to pay for the price"):
        call(
            ctx,
            "exchange_delivered_order_items",
            order_id="#W3",
            item_ids=["2000000001"],
            new_item_ids=["2000000002"],
            payment_method_id="gift_card_1",
        )
    assert gift_balance(store) == 9.74
