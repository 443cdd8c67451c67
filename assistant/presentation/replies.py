"""The reply the engine writes itself after a planned turn: a lead line per record.

The records themselves show under the reply (cards, tables); the reply says what they are,
in a line built only from them: "Order #W1 is delivered. Tracking number: 123." Records
without cards (a help passage, the shopper's own profile) are the reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import singledispatch
from typing import Any

from assistant.llm.quoting import defang
from assistant.presentation.events import ToolOutput
from assistant.presentation.text import money, render_text
from assistant.store.models import Order, Product, User
from assistant.tools.results import (
    Calculation,
    Cart,
    CatalogProduct,
    Comparison,
    FaqAnswer,
    ProductCopy,
    SearchResults,
    Suggestions,
    Transfer,
    UserId,
)

_SORTS = {
    "price_asc": "cheapest first",
    "price_desc": "most expensive first",
    "size_asc": "smallest first",
    "size_desc": "biggest first",
}


@singledispatch
def lead(result: Any) -> str:
    """The line introducing one record in a reply."""
    return render_text(result)


@lead.register
def _(result: SearchResults) -> str:
    if not result.results:
        return "I found nothing in the catalog matching that."
    if result.not_carried:
        asked = " or ".join(result.not_carried)
        return f"Sorry, we don't carry any {asked}. The closest things in the catalog are:"
    head = "Here is what I found"
    if result.sort in _SORTS:
        head += f", {_SORTS[result.sort]}"
    if result.note:
        return f"Nothing matches everything you asked for ({result.note}); these come closest:"
    return head + ":"


@lead.register
def _(result: Order) -> str:
    text = f"Order {result.order_id} is {result.status}."
    tracking = [t for f in result.fulfillments for t in f.tracking_id]
    if tracking:
        text += f" Tracking number: {', '.join(tracking)}."
    return text


def _variants(name: str, product_id: str, prices: Sequence[float], in_stock: int) -> str:
    low, high = min(prices), max(prices)
    price = money(low) if low == high else f"{money(low)} to {money(high)}"
    return (
        f"The {name} (product {product_id}) comes in {len(prices)} variants at {price}; "
        f"{in_stock} in stock."
    )


@lead.register
def _(result: CatalogProduct) -> str:
    prices = result.all_prices or [v.price for v in result.variants]
    in_stock = result.all_in_stock
    if in_stock is None:
        in_stock = sum(v.available for v in result.variants)
    line = _variants(result.name, result.product_id, prices, in_stock)
    if result.offered:
        line += " It comes in " + "; ".join(
            f"{key}: {', '.join(values)}" for key, values in result.offered.items()
        )
        line += "."
    return f"{line} Listed: {result.matching}." if result.matching else line


@lead.register
def _(result: Product) -> str:
    variants = list(result.variants.values())
    prices = [v.price for v in variants]
    return _variants(result.name, result.product_id, prices, sum(v.available for v in variants))


@lead.register
def _(result: Suggestions) -> str:
    if not result.results:
        return "I have no suggestions right now."
    return "You might like these (and why):"


@lead.register
def _(result: Comparison) -> str:
    return "Here they are side by side:"


@lead.register
def _(result: Cart) -> str:
    if not result.items:
        return "Your cart is empty."
    count = sum(i.quantity for i in result.items)
    return f"Your cart has {count} item{'s' if count != 1 else ''}, {money(result.total)} in total."


@lead.register
def _(result: FaqAnswer) -> str:
    if not result.passages:
        return "I found nothing about that in the store's help pages."
    shown = result.passages[: max(1, result.answering)]
    return "\n\n".join(f"From our help pages ({p.heading}):\n{p.text}" for p in shown)


@lead.register
def _(result: ProductCopy) -> str:
    checked = (
        "it states nothing the catalog does not back"
        if result.passed
        else f"the check still finds {len(result.problems)} problem(s), marked below"
    )
    return (
        f"Draft {result.draft_id} for {result.name} (product {result.product_id}), "
        f"{result.tone}, {result.length}, for {result.audience}: {checked}. It is kept as a "
        "draft until you approve it."
    )


@lead.register
def _(result: UserId) -> str:
    return "Thanks, you're signed in."


@lead.register
def _(result: Transfer) -> str:
    return "I'm handing you over to a person on our team now. Please hold on."


@lead.register
def _(result: Calculation) -> str:
    return f"That comes to {result.root}."


def planned_reply(outputs: Sequence[ToolOutput]) -> str:
    """The reply to a turn the engine planned: a lead for each record, in order."""
    steps = (UserId, User)
    answers = [o for o in outputs if not isinstance(o.result, steps)] or list(outputs)
    # Signing in and reading the profile are steps on the way; the answer is what came after.
    leads = [lead(o.result) for o in answers]
    unique = list(dict.fromkeys(leads))
    return defang("\n\n".join(unique))
