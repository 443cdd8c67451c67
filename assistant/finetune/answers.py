"""The reference model's replies: short, and built only from tool results.

Names, ids, prices and statuses are copied from the tool data exactly; nothing is added
that a tool did not return. The dialogue engine's grounding verifier checks every reply of
the generated dialogues, so a template that states something unsupported fails loudly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.finetune.phrasing import money
from assistant.store.models import CreditCard, Order, User, UserAddress
from assistant.tools.results import (
    Cart,
    CatalogProduct,
    Comparison,
    FaqAnswer,
    ProductTypes,
    SearchResults,
)

ASK_IDENTITY = (
    "I can help with that. First I need to verify your identity: please tell me your email "
    "address, or your first name, last name and zip code."
)
ASK_IDENTITY_AGAIN = (
    "I couldn't find an account with that. Could you check it, or give me your first name, "
    "last name and zip code instead?"
)
ASK_IDENTITY_NOT_USER_ID = (
    "For your security I can't use a user id alone. Please tell me your email address, or "
    "your first name, last name and zip code."
)
REFUSE_OTHER_PERSON = (
    "Sorry, I can only help you with your own account and orders, not anyone else's."
)
REFUSE_OFF_TOPIC = (
    "Sorry, I can't help with that. I can help you find products, answer questions about the "
    "store, and manage your own orders."
)
REFUSE_RULES = (
    "Sorry, I can't do that. I follow the store's rules: I can help you find products, answer "
    "questions about the store, and manage your own orders."
)
GREETING = "Hello! How can I help you today?"
SIGNED_IN = "Thanks, you're signed in. How can I help you today?"
WELCOME = "You're welcome! Is there anything else I can help you with?"
DECLINED = "Okay, I won't make that change. Is there anything else I can help you with?"
TRANSFERRED = "YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON."
ASK_REASON = (
    "I can cancel order {order_id}. Could you tell me the reason: is it no longer needed, or "
    "was it ordered by mistake?"
)
ASK_ADDRESS = (
    "Sure. What is the full new address: street, apartment or suite (if any), city, state, "
    "zip code and country?"
)


def options_text(options: Mapping[str, str]) -> str:
    """Option values in their stored order: 'blue, M, cotton'."""
    return ", ".join(options.values())


def item_line(
    name: str, item_id: str, options: Mapping[str, str], price: float, available: bool
) -> str:
    """'T-Shirt (blue, M), item 9612497925: $50.88' (+ out of stock)."""
    line = f"{name} ({options_text(options)}), item {item_id}: {money(price)}"
    return line if available else line + " (out of stock)"


def search_answer(data: SearchResults, shown: int = 3) -> str:
    """Up to `shown` search results, one line each."""
    if not data.results:
        return "Sorry, I found nothing matching that. Could you describe it differently?"
    head = (
        "There is no exact match for everything you asked, but these come closest:"
        if data.note
        else "Here is what I found:"
    )
    lines = [
        f"- {item_line(h.name, h.item_id, h.options, h.price, h.available)}"
        for h in data.results[:shown]
    ]
    return "\n".join([head, *lines])


def product_answer(data: CatalogProduct) -> str:
    """A product: variants, price range, stock, option values."""
    variants = data.variants
    prices = [v.price for v in variants]
    in_stock = sum(1 for v in variants if v.available)
    values: dict[str, list[str]] = {}
    for v in variants:
        for key, value in v.options.items():
            if value not in values.setdefault(key, []):
                values[key].append(value)
    price = (
        f"from {money(min(prices))} to {money(max(prices))}"
        if prices and min(prices) != max(prices)
        else (f"at {money(prices[0])}" if prices else "")
    )
    head = (
        f"The {data.name} (product {data.product_id}) comes in {len(variants)} "
        f"variants {price}; {in_stock} are in stock."
    )
    shown = "; ".join(f"{k}: {', '.join(vals)}" for k, vals in values.items())
    return f"{head} Options: {shown}." if shown else head


def compare_answer(data: Comparison) -> str:
    """A comparison, one line per compared thing: price and stock."""
    rows = {r.attribute: r.values for r in data.rows}
    blank: list[Any] = [None] * len(data.columns)
    lines = []
    for i, label in enumerate(data.columns):
        price = rows.get("price", blank)[i]
        stock = rows.get("available", blank)[i]
        price_text = money(price) if isinstance(price, int | float) else str(price)
        stock_text = (
            ("in stock" if stock else "out of stock") if isinstance(stock, bool) else str(stock)
        )
        lines.append(f"- {label}: {price_text}, {stock_text}")
    return "\n".join(["Here is the comparison:", *lines])


def order_items(order: Order) -> str:
    """'Water Bottle (item 6469567736, $47.84), ...'."""
    return ", ".join(f"{i.name} (item {i.item_id}, {money(i.price)})" for i in order.items)


def order_answer(order: Order) -> str:
    """An order's status, items and tracking numbers."""
    text = f"Order {order.order_id} is {order.status}. Items: {order_items(order)}."
    tracking = [t for f in order.fulfillments for t in f.tracking_id]
    if tracking:
        text += f" Tracking number: {', '.join(tracking)}."
    return text


def orders_list_answer(user: User) -> str:
    """The shopper's orders, asking which one they mean."""
    if not user.orders:
        return "I don't see any orders on your account."
    return f"I see these orders on your account: {', '.join(user.orders)}. Which one do you mean?"


def profile_answer(user: User, topic: str) -> str:
    """The shopper's default address or payment methods."""
    if topic == "address":
        return f"Your default address is {_address(user.address)}."
    methods = []
    for method in user.payment_methods.values():
        label = method.source.replace("_", " ")
        if isinstance(method, CreditCard):
            label += f" ({method.brand} ending in {method.last_four})"
        methods.append(f"{label}: {method.id}")
    return "Your payment methods are: " + "; ".join(methods) + "."


def not_possible(order: Order, done: str, needed: str) -> str:
    """Why a change cannot be made: the order's status does not allow it.

    Args:
        order: The order as `get_order_details` returned it.
        done: What cannot happen, as a past participle ('cancelled', 'returned').
        needed: The status the change needs ('pending', 'delivered').
    """
    return (
        f"Order {order.order_id} is {order.status}, so it can't be {done}. "
        f"Only {needed} orders can be {done}."
    )


def ask_items(order: Order, action: str) -> str:
    """Which items of the order to return/exchange."""
    return (
        f"Which items of order {order.order_id} would you like to {action}? "
        f"It has: {order_items(order)}."
    )


def change_done(name: str, data: Any, error: str | None) -> str:
    """The reply after a confirmed change ran (or failed): `data` is the tool's typed result."""
    if error is not None:
        return f"Sorry, that change could not be made: {error}"
    if isinstance(data, Cart):
        return "Done. " + cart_answer(data)
    if isinstance(data, User) and name == "modify_user_address":
        return f"Done: your default address is now {_address(data.address)}."
    if not isinstance(data, Order):
        raise ValueError(f"no reply written for the change {name!r}")
    if name == "cancel_pending_order":
        refunds = [p for p in data.payment_history if p.transaction_type == "refund"]
        text = f"Done: order {data.order_id} is now cancelled."
        if refunds:
            r = refunds[-1]
            text += f" {money(r.amount)} will be refunded to {r.payment_method_id}."
        return text
    if name == "return_delivered_order_items":
        return (
            f"Done: the return for order {data.order_id} is requested (status: "
            f"{data.status}). The refund goes to {data.return_payment_method_id}; "
            "you'll get an email with instructions for sending the items back."
        )
    if name == "exchange_delivered_order_items":
        return (
            f"Done: the exchange for order {data.order_id} is requested (status: "
            f"{data.status}). You'll get an email with instructions for sending the items back."
        )
    if name == "modify_pending_order_items":
        return f"Done: the items of order {data.order_id} are changed. {order_items(data)}."
    if name == "modify_pending_order_address":
        return f"Done: order {data.order_id} will ship to {_address(data.address)}."
    if name == "modify_pending_order_payment":
        last = data.payment_history[-2]
        return f"Done: order {data.order_id} is now paid with {last.payment_method_id}."
    raise ValueError(f"no reply written for the change {name!r}")


def _address(a: UserAddress) -> str:
    parts = (a.address1, a.address2, a.city, a.state, a.zip, a.country)
    return ", ".join(p for p in parts if p)


def cart_answer(cart: Cart) -> str:
    """The cart's lines and total."""
    if not cart.items:
        return "Your cart is empty."
    lines = [
        f"{i.quantity} x {i.name} (item {i.item_id}) at {money(i.unit_price)} each"
        for i in cart.items
    ]
    return "Your cart: " + "; ".join(lines) + f". Total: {money(cart.total)}."


def product_types_answer(data: ProductTypes, shown: int = 8) -> str:
    """Some of the store's product types (the tool returns a JSON object as text)."""
    names = sorted(json.loads(data.root))
    listed = ", ".join(names[:shown])
    return f"We carry {len(names)} product types, for example: {listed}."


def faq_answer(data: FaqAnswer, keywords: Sequence[str]) -> str | None:
    """The sentence that best answers the question, quoted from the best-ranked passage that
    mentions any keyword; None if no passage does."""
    for passage in data.passages:
        scored = [
            (sum(1 for k in keywords if k in sentence.lower()), -n, sentence)
            for n, sentence in enumerate(sentences(passage.text))
        ]
        score, _, sentence = max(scored, default=(0, 0, ""))
        if score:
            heading = (passage.heading or passage.source).split(" > ")[-1]
            return f'Our help pages say, under "{heading}": {sentence}'
    return None


_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)]|#+)\s+")


def sentences(text: str) -> list[str]:
    """The sentences of a passage: wrapped lines joined, list items and headings kept apart."""
    lines: list[str] = []
    for raw in text.replace("\r", "").split("\n"):
        line = raw.strip()
        if not line:
            lines.append("")
        elif _LIST_ITEM.match(raw) or not lines or not lines[-1]:
            lines.append(_LIST_ITEM.sub("", line))
        else:
            lines[-1] += " " + line
    out = []
    for line in lines:
        for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line.replace("**", "")):
            piece = piece.strip()
            if 20 <= len(piece) <= 300:
                out.append(piece)
    return out
