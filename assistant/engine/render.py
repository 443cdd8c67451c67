"""Deterministic replies built only from tool results, and summaries of pending changes.

Used when the model's reply fails grounding or is empty: the shopper then sees exactly what
the store's records say (product cards, a comparison table, an order summary), nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.engine.quoting import defang

NO_RESULTS_REPLY = (
    "I couldn't confirm that from the store's records. Could you tell me a bit more about "
    "what you're looking for, or which order you mean?"
)
CONFIRM_SUFFIX = "Reply 'yes' to confirm, or tell me what to change."


@dataclass(frozen=True)
class ToolOutput:
    """One successful tool call of the turn, as rendering needs it."""

    name: str
    arguments: dict[str, Any]
    data: Any


def money(value: Any) -> str:
    """`54.0` → `$54.00`."""
    try:
        return f"${float(value):,.2f}"
    except (TypeError, ValueError):
        return str(value)


def _options(options: Any) -> str:
    if isinstance(options, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in options.items())
    return str(options) if options else ""


def _stock(available: Any) -> str:
    return "in stock" if available else "out of stock"


def render_product_cards(hits: Sequence[Mapping[str, Any]]) -> str:
    """A list of product cards: name, ids, options, price, availability."""
    if not hits:
        return "I found no products matching that."
    lines = []
    for hit in hits:
        head = f"- **{hit.get('name', 'Product')}** — item {hit.get('item_id')}"
        if hit.get("product_id"):
            head += f" (product {hit['product_id']})"
        details = [d for d in (_options(hit.get("options")), money(hit.get("price"))) if d]
        if "available" in hit:
            details.append(_stock(hit["available"]))
        lines.append(head + "\n  " + " · ".join(details))
    return "\n".join(lines)


def render_product(product: Mapping[str, Any]) -> str:
    """One product with its variants (τ² product details or a catalog product)."""
    name = product.get("name", "Product")
    head = f"**{name}** (product {product.get('product_id')})"
    variants = product.get("variants") or {}
    if isinstance(variants, Mapping):
        variants = list(variants.values())
    cards = [{"name": name, **v} for v in variants if isinstance(v, Mapping)]
    description = product.get("description")
    parts = [head]
    if description:
        parts.append(str(description))
    parts.append(render_product_cards(cards) if cards else "No variants listed.")
    return "\n".join(parts)


def render_comparison(table: Mapping[str, Any]) -> str:
    """A markdown table from `compare_products` output (`columns` and `rows`)."""
    columns = [str(c) for c in table.get("columns", [])]
    rows = table.get("rows", [])
    if not columns or not rows:
        return "There was nothing to compare."
    out = ["| " + " | ".join(["", *columns]) + " |", "|" + "---|" * (len(columns) + 1)]
    for row in rows:
        label = row.get("attribute", "")
        cells = [_cell(label, v) for v in row.get("values", [])]
        out.append("| " + " | ".join([str(label), *cells]) + " |")
    return "\n".join(out)


def _cell(label: str, value: Any) -> str:
    if value is None:
        return "—"
    if label == "price":
        return money(value)
    if label == "available":
        return _stock(value)
    return str(value).replace("|", "/")


def _address(address: Any) -> str:
    if not isinstance(address, Mapping):
        return str(address)
    keys = ("address1", "address2", "city", "state", "zip", "country")
    return ", ".join(str(address[k]) for k in keys if address.get(k))


def render_order(order: Mapping[str, Any]) -> str:
    """An order summary: status, items with prices, shipping address, payments."""
    lines = [f"Order {order.get('order_id')} — status: {order.get('status')}"]
    for item in order.get("items", []):
        opts = _options(item.get("options"))
        lines.append(
            f"- {item.get('name')} (item {item.get('item_id')}"
            + (f"; {opts}" if opts else "")
            + f"): {money(item.get('price'))}"
        )
    if order.get("address"):
        lines.append(f"Shipping to: {_address(order['address'])}")
    for payment in order.get("payment_history", []):
        lines.append(
            f"{str(payment.get('transaction_type', 'payment')).capitalize()} of "
            f"{money(payment.get('amount'))} via {payment.get('payment_method_id')}"
        )
    return "\n".join(lines)


def render_user(user: Mapping[str, Any]) -> str:
    """The authenticated shopper's own profile: name, address, payment methods, orders."""
    name = user.get("name") or {}
    full = " ".join(str(name.get(k, "")) for k in ("first_name", "last_name")).strip()
    lines = [f"Account {user.get('user_id')}" + (f" ({full})" if full else "")]
    if user.get("address"):
        lines.append(f"Default address: {_address(user['address'])}")
    methods = user.get("payment_methods") or {}
    if isinstance(methods, Mapping) and methods:
        lines.append("Payment methods: " + ", ".join(str(m) for m in methods))
    if user.get("orders"):
        lines.append("Orders: " + ", ".join(str(o) for o in user["orders"]))
    return "\n".join(lines)


def render_cart(cart: Mapping[str, Any]) -> str:
    """The cart's lines and total."""
    items = cart.get("items", [])
    if not items:
        return "Your cart is empty."
    lines = ["Your cart:"]
    for item in items:
        opts = _options(item.get("options"))
        lines.append(
            f"- {item.get('quantity', 1)} × {item.get('name', 'item')} (item {item.get('item_id')}"
            + (f"; {opts}" if opts else "")
            + f"): {money(item.get('unit_price', item.get('price')))} each"
        )
    if "total" in cart:
        lines.append(f"Total: {money(cart['total'])}")
    return "\n".join(lines)


def render_faq(result: Mapping[str, Any]) -> str:
    """FAQ passages with their source and heading."""
    passages = result.get("passages", [])
    if not passages:
        return "I found nothing about that in the store's help pages."
    return "\n\n".join(
        f"From {p.get('source')} — {p.get('heading')}:\n{p.get('text')}" for p in passages
    )


def render_output(output: ToolOutput) -> str:
    """The deterministic text for one tool result."""
    data = output.data
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return data
    if isinstance(data, Mapping):
        if "results" in data:
            return render_product_cards(data["results"])
        if "columns" in data and "rows" in data:
            return render_comparison(data)
        if "passages" in data:
            return render_faq(data)
        if "order_id" in data and "items" in data:
            return render_order(data)
        if "payment_methods" in data and "user_id" in data:
            return render_user(data)
        if "variants" in data:
            return render_product(data)
        if "items" in data and output.name.endswith("cart"):
            return render_cart(data)
        return "\n".join(f"- {k}: {_plain(v)}" for k, v in data.items())
    if isinstance(data, list):
        return "\n".join(f"- {_plain(v)}" for v in data) or "Nothing found."
    return _plain(data)


def _plain(value: Any) -> str:
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render_fallback(outputs: Sequence[ToolOutput]) -> str:
    """The reply shown instead of an unverified or empty model reply.

    Renders the turn's last successful tool result; with none, a fixed request for details.
    """
    if not outputs:
        return NO_RESULTS_REPLY
    return "Here is what the store's records show:\n" + defang(render_output(outputs[-1]))


def _items(ids: Sequence[Any]) -> str:
    return ", ".join(f"item {i}" for i in ids)


def _swaps(old: Sequence[Any], new: Sequence[Any]) -> str:
    return "; ".join(f"item {a} → item {b}" for a, b in zip(old, new, strict=False))


def describe_action(name: str, arguments: Mapping[str, Any]) -> str:
    """The deterministic summary of a change waiting for confirmation.

    Args:
        name: The WRITE tool the model asked for.
        arguments: Its validated arguments, exactly as they will run.
    """
    a = {k: defang(v) if isinstance(v, str) else v for k, v in arguments.items()}
    order = a.get("order_id")
    if name == "cancel_pending_order":
        reason = a.get("reason")
        why = {
            "no longer needed": "it is no longer needed",
            "ordered by mistake": "it was ordered by mistake",
        }.get(str(reason), f"of the reason “{reason}”")
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
    elif name == "clear_cart":
        text = "I'm about to empty your cart."
    else:
        listed = ", ".join(f"{k} = {v}" for k, v in a.items()) or "no arguments"
        text = f"I'm about to run {name} with {listed}."
    return f"{text} {CONFIRM_SUFFIX}"
