"""The summary of a change waiting for the shopper's yes, built from its exact arguments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.llm.quoting import defang

CONFIRM_SUFFIX = "Reply 'yes' to confirm, or tell me what to change."

_REASONS = {
    "no longer needed": "it is no longer needed",
    "ordered by mistake": "it was ordered by mistake",
}


def _items(ids: Sequence[Any]) -> str:
    return ", ".join(f"item {i}" for i in ids)


def _swaps(old: Sequence[Any], new: Sequence[Any]) -> str:
    return "; ".join(f"item {a} → item {b}" for a, b in zip(old, new, strict=False))


def _address(a: Mapping[str, Any]) -> str:
    keys = ("address1", "address2", "city", "state", "zip", "country")
    return ", ".join(str(a[k]) for k in keys if a.get(k))


def describe_action(name: str, arguments: Mapping[str, Any]) -> str:
    """The deterministic summary of a change waiting for confirmation.

    Args:
        name: The tool asked for.
        arguments: Its validated arguments, exactly as they will run.
    """
    a = {k: defang(v) if isinstance(v, str) else v for k, v in arguments.items()}
    order = a.get("order_id")
    if name == "cancel_pending_order":
        reason = str(a.get("reason"))
        why = _REASONS.get(reason, f"of the reason “{reason}”")
        text = f"I'm about to cancel order {order} because {why}."
    elif name == "modify_pending_order_items":
        text = (
            f"I'm about to change items in pending order {order}: "
            f"{_swaps(a.get('item_ids', []), a.get('new_item_ids', []))}. "
            f"Any price difference is paid or refunded with {a.get('payment_method_id')}. "
            "Items of an order can be changed only once, so please check that this is "
            "everything you want to change."
        )
    elif name == "modify_pending_order_address":
        text = f"I'm about to change the shipping address of order {order} to {_address(a)}."
    elif name == "modify_pending_order_payment":
        text = f"I'm about to pay for order {order} with {a.get('payment_method_id')} instead."
    elif name == "modify_user_address":
        text = f"I'm about to change your default address to {_address(a)}."
    elif name == "return_delivered_order_items":
        text = (
            f"I'm about to request a return of {_items(a.get('item_ids', []))} from order "
            f"{order}; the refund goes to {a.get('payment_method_id')}."
        )
    elif name == "exchange_delivered_order_items":
        text = (
            f"I'm about to request an exchange in delivered order {order}: "
            f"{_swaps(a.get('item_ids', []), a.get('new_item_ids', []))}. Any price "
            f"difference is paid or refunded with {a.get('payment_method_id')}. Please check "
            "that this is every item you want to exchange."
        )
    elif name == "add_to_cart":
        text = f"I'm about to add {a.get('quantity', 1)} × item {a.get('item_id')} to your cart."
    elif name == "remove_from_cart":
        text = f"I'm about to remove item {a.get('item_id')} from your cart."
    else:
        listed = ", ".join(f"{k} = {v}" for k, v in a.items()) or "no arguments"
        text = f"I'm about to run {name} with {listed}."
    return f"{text} {CONFIRM_SUFFIX}"
