"""Tool results as HTML for the chat: product cards, comparison tables, order and cart cards.

Every value comes from the store's records, yet it is still escaped: catalog text is data,
never markup. Styles are inline so the cards look the same wherever the HTML is shown.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.engine.render import ToolOutput, money, render_output

_GRID = "display:flex;flex-wrap:wrap;gap:8px;margin-top:6px"
_CARD = (
    "border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;min-width:180px;"
    "max-width:240px;flex:1 1 180px;background:rgba(127,127,127,0.06)"
)
_NAME = "font-weight:600;margin-bottom:2px"
_MUTED = "font-size:0.85em;opacity:0.75"
_PRICE = "font-weight:600;font-size:1.05em"
_IN = "color:#1a7f37;font-size:0.85em"
_OUT = "color:#cf222e;font-size:0.85em"
_TABLE = "border-collapse:collapse;margin-top:6px;font-size:0.9em"
_CELL = "border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top"


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _options(options: Any) -> str:
    if isinstance(options, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in options.items())
    return str(options or "")


def _stock(available: Any) -> str:
    if available is None:
        return ""
    style, label = (_IN, "in stock") if available else (_OUT, "out of stock")
    return f'<span style="{style}">{label}</span>'


def product_card(item: Mapping[str, Any]) -> str:
    """One item: name, options, price, availability, ids."""
    ids = f"item {_e(item.get('item_id'))}"
    if item.get("product_id"):
        ids += f" · product {_e(item['product_id'])}"
    options = _options(item.get("options"))
    return (
        f'<div class="sa-card" style="{_CARD}">'
        f'<div class="sa-card-name" style="{_NAME}">{_e(item.get("name", "Product"))}</div>'
        + (f'<div class="sa-card-options">{_e(options)}</div>' if options else "")
        + f'<div><span class="sa-card-price" style="{_PRICE}">{_e(money(item.get("price")))}'
        f"</span> {_stock(item.get('available'))}</div>"
        f'<div style="{_MUTED}">{ids}</div>'
        "</div>"
    )


def product_cards(items: Sequence[Mapping[str, Any]]) -> str:
    """A wrapping grid of item cards."""
    if not items:
        return "<p>No products matched.</p>"
    cards = "".join(product_card(i) for i in items if isinstance(i, Mapping))
    return f'<div class="sa-cards" style="{_GRID}">{cards}</div>'


def product_detail(product: Mapping[str, Any]) -> str:
    """A product heading with one card per variant."""
    name = product.get("name", "Product")
    variants = product.get("variants") or []
    if isinstance(variants, Mapping):
        variants = list(variants.values())
    items = [
        {"name": name, "product_id": product.get("product_id"), **v}
        for v in variants
        if isinstance(v, Mapping)
    ]
    head = f'<div style="{_NAME}">{_e(name)} <span style="{_MUTED}">product '
    head += f"{_e(product.get('product_id'))}</span></div>"
    description = product.get("description")
    text = f'<div style="{_MUTED}">{_e(description)}</div>' if description else ""
    return head + text + product_cards(items)


def comparison_table(table: Mapping[str, Any]) -> str:
    """`compare_products` output as an HTML table (attributes down, products across)."""
    columns = table.get("columns") or []
    rows = table.get("rows") or []
    head = "".join(f'<th style="{_CELL}">{_e(c)}</th>' for c in ["", *columns])
    body = []
    for row in rows:
        label = row.get("attribute", "")
        cells = []
        for value in row.get("values", []):
            if value is None:
                shown = "—"
            elif label == "price" and not isinstance(value, str):
                shown = money(value)
            else:
                shown = str(value)
            cells.append(f'<td style="{_CELL}">{_e(shown)}</td>')
        body.append(f'<tr><th style="{_CELL}">{_e(label)}</th>{"".join(cells)}</tr>')
    return (
        f'<table class="sa-compare" style="{_TABLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def order_card(order: Mapping[str, Any]) -> str:
    """An order: status, items with prices."""
    rows = "".join(
        f'<tr><td style="{_CELL}">{_e(i.get("name"))}</td>'
        f'<td style="{_CELL}">{_e(_options(i.get("options")))}</td>'
        f'<td style="{_CELL}">item {_e(i.get("item_id"))}</td>'
        f'<td style="{_CELL}">{_e(money(i.get("price")))}</td></tr>'
        for i in order.get("items", [])
        if isinstance(i, Mapping)
    )
    return (
        f'<div class="sa-order" style="{_CARD};max-width:none">'
        f'<div style="{_NAME}">Order {_e(order.get("order_id"))} — {_e(order.get("status"))}'
        f'</div><table style="{_TABLE}">{rows}</table></div>'
    )


def cart_card(cart: Mapping[str, Any]) -> str:
    """The cart's lines and total."""
    items = cart.get("items") or []
    if not items:
        return "<p>Your cart is empty.</p>"
    rows = "".join(
        f'<tr><td style="{_CELL}">{_e(i.get("quantity", 1))} ×</td>'
        f'<td style="{_CELL}">{_e(i.get("name", "item"))}</td>'
        f'<td style="{_CELL}">item {_e(i.get("item_id"))}</td>'
        f'<td style="{_CELL}">{_e(money(i.get("unit_price", i.get("price"))))}</td></tr>'
        for i in items
        if isinstance(i, Mapping)
    )
    total = f'<div style="{_PRICE}">Total {_e(money(cart.get("total")))}</div>'
    return f'<div class="sa-cart"><table style="{_TABLE}">{rows}</table>{total}</div>'


def output_html(output: ToolOutput) -> str:
    """The HTML for one tool result; unknown shapes fall back to escaped text."""
    data = output.data
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return f"<p>{_e(data)}</p>"
    if isinstance(data, Mapping):
        if "results" in data:
            return product_cards(data["results"])
        if "columns" in data and "rows" in data:
            return comparison_table(data)
        if "order_id" in data and "items" in data:
            return order_card(data)
        if "variants" in data:
            return product_detail(data)
        if "items" in data and output.name.endswith("cart"):
            return cart_card(data)
    text = render_output(output)
    return f'<pre style="white-space:pre-wrap">{_e(text)}</pre>'
