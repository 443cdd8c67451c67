"""Typed tool results as markdown text: the engine's fallback reply, the API's cards, the CLI.

`render_text` dispatches on the result's type. Every item is one line (name, item id,
options, price, stock), so an id and its price always share a line. Everything shown comes
from the records; nothing is added.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import singledispatch
from typing import Any

from pydantic import BaseModel, RootModel

from assistant.llm.quoting import defang
from assistant.presentation.events import ToolOutput
from assistant.store.models import Order, Product, User, UserAddress
from assistant.tools.results import (
    Cart,
    CatalogProduct,
    Comparison,
    FaqAnswer,
    ProductCopy,
    ProductHit,
    SearchResults,
    Suggestions,
)

NO_RESULTS_REPLY = (
    "I couldn't confirm that from the store's records. Could you tell me a bit more about "
    "what you're looking for, or which order you mean?"
)
RECORDS_HEADER = "Here is what the store's records show:"


def money(value: Any) -> str:
    """`54.0` → `$54.00`; text (a price range) is kept as it is."""
    if isinstance(value, str):
        return value
    try:
        return f"${float(value):,.2f}"
    except (TypeError, ValueError):
        return str(value)


def options_text(options: Mapping[str, str]) -> str:
    """`{"color": "blue"}` → `color: blue`."""
    return ", ".join(f"{k}: {v}" for k, v in options.items())


def stock_text(available: bool) -> str:
    """`in stock` / `out of stock`."""
    return "in stock" if available else "out of stock"


def address_text(address: UserAddress) -> str:
    """An address on one line."""
    parts = (address.address1, address.address2, address.city, address.state, address.zip)
    return ", ".join(p for p in (*parts, address.country) if p)


def item_line(
    name: str, item_id: str, options: Mapping[str, str], price: Any, available: Any
) -> str:
    """One item as one markdown list line."""
    parts = [f"**{name}**", f"item {item_id}"]
    if options:
        parts.append(options_text(options))
    parts.append(money(price))
    if available is not None:
        parts.append(stock_text(bool(available)))
    return "- " + " · ".join(parts)


def _hits(hits: Iterable[ProductHit]) -> str:
    lines = [item_line(h.name, h.item_id, h.options, h.price, h.available) for h in hits]
    return "\n".join(lines) or "I found no products matching that."


@singledispatch
def render_text(result: Any) -> str:
    """The markdown text of one typed tool result."""
    if isinstance(result, RootModel):
        return str(result.root)
    if isinstance(result, BaseModel):
        data = result.model_dump(mode="json")
        return "\n".join(f"- {k}: {_plain(v)}" for k, v in data.items())
    return _plain(result)


def _plain(value: Any) -> str:
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@render_text.register
def _(result: SearchResults) -> str:
    return _hits(result.results)


@render_text.register
def _(result: CatalogProduct) -> str:
    parts = [f"**{result.name}** (product {result.product_id})"]
    if result.description:
        parts.append(result.description)
    lines = [
        item_line(result.name, v.item_id, v.options, v.price, v.available) for v in result.variants
    ]
    parts.append("\n".join(lines) or "No variants listed.")
    return "\n".join(parts)


@render_text.register
def _(result: Product) -> str:
    lines = [
        item_line(result.name, v.item_id, v.options, v.price, v.available)
        for v in result.variants.values()
    ]
    head = f"**{result.name}** (product {result.product_id})"
    return "\n".join([head, "\n".join(lines) or "No variants listed."])


@render_text.register
def _(result: ProductCopy) -> str:
    parts = [f"**Title:** {result.title}"] if result.title else []
    if result.short_description:
        parts.append(result.short_description)
    parts += [f"- {b}" for b in result.bullets]
    if result.meta_description:
        parts.append(f"**Meta description:** {result.meta_description}")
    if result.problems:
        parts.append("**Not backed by the catalog:**")
        parts += [f"- {p}" for p in result.problems]
    return "\n".join(parts)


def _cell(label: str, value: Any) -> str:
    if value is None:
        return "—"
    if label == "price":
        return money(value)
    if label == "available" and isinstance(value, bool):
        return stock_text(value)
    return str(value).replace("|", "/")


@render_text.register
def _(result: Comparison) -> str:
    if not result.columns or not result.rows:
        return "There was nothing to compare."
    out = [
        "| " + " | ".join(["", *result.columns]) + " |",
        "|" + "---|" * (len(result.columns) + 1),
    ]
    for row in result.rows:
        cells = [_cell(row.attribute, v) for v in row.values]
        out.append("| " + " | ".join([row.attribute, *cells]) + " |")
    return "\n".join(out)


@render_text.register
def _(result: Order) -> str:
    lines = [f"Order {result.order_id} — status: {result.status}"]
    lines += [item_line(i.name, i.item_id, i.options, i.price, None) for i in result.items]
    tracking = [t for f in result.fulfillments for t in f.tracking_id]
    if tracking:
        lines.append(f"Tracking: {', '.join(tracking)}")
    lines.append(f"Shipping to: {address_text(result.address)}")
    lines += [
        f"{p.transaction_type.capitalize()} of {money(p.amount)} via {p.payment_method_id}"
        for p in result.payment_history
    ]
    return "\n".join(lines)


@render_text.register
def _(result: User) -> str:
    full = f"{result.name.first_name} {result.name.last_name}".strip()
    lines = [f"Account {result.user_id}" + (f" ({full})" if full else "")]
    lines.append(f"Default address: {address_text(result.address)}")
    if result.payment_methods:
        lines.append("Payment methods: " + ", ".join(result.payment_methods))
    if result.orders:
        lines.append("Orders: " + ", ".join(result.orders))
    return "\n".join(lines)


@render_text.register
def _(result: Cart) -> str:
    if not result.items:
        return "Your cart is empty."
    lines = ["Your cart:"]
    for item in result.items:
        line = item_line(item.name, item.item_id, item.options, item.unit_price, None)
        lines.append(line.replace("- ", f"- {item.quantity} × ", 1) + " each")
    lines.append(f"Total: {money(result.total)}")
    return "\n".join(lines)


@render_text.register
def _(result: Suggestions) -> str:
    if not result.results:
        return "I have no suggestions right now."
    lines = []
    for hit in result.results:
        line = item_line(
            hit.name, hit.item_id or hit.product_id, hit.options, hit.price, hit.available
        )
        if hit.item_id is None:
            line = line.replace(f"item {hit.product_id}", f"product {hit.product_id}", 1)
        why = "; ".join(r.text for r in hit.reasons)
        lines.append(f"{line}\n  why: {why}" if why else line)
    return "\n".join(lines)


@render_text.register
def _(result: FaqAnswer) -> str:
    if not result.passages:
        return "I found nothing about that in the store's help pages."
    return "\n\n".join(f"From {p.source} — {p.heading}:\n{p.text}" for p in result.passages)


def render_fallback(outputs: Sequence[ToolOutput]) -> str:
    """The reply shown instead of an unverified or empty model reply.

    Renders the turn's last successful tool result; with none, a fixed request for details.
    """
    if not outputs:
        return NO_RESULTS_REPLY
    # Catalog text is data: markup in it must not reach the chat as structure.
    return f"{RECORDS_HEADER}\n{defang(render_text(outputs[-1].result))}"
