"""Typed tool results as HTML for the web chat: product cards, comparison tables, orders, carts.

Every value comes from the store's records, yet it is still escaped: catalog text is data,
never markup. Styles are inline so the cards look the same wherever the HTML is shown.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from functools import singledispatch
from typing import Any

from assistant.presentation.text import money, options_text, render_text
from assistant.store.models import Order, Product
from assistant.tools.results import Cart, CatalogProduct, Comparison, SearchResults, Suggestions

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


def _stock(available: bool) -> str:
    style, label = (_IN, "in stock") if available else (_OUT, "out of stock")
    return f'<span style="{style}">{label}</span>'


def product_card(
    name: str,
    item_id: str,
    options: Mapping[str, str],
    price: float,
    available: bool,
    product_id: str | None = None,
) -> str:
    """One item: name, options, price, availability, ids."""
    ids = f"item {_e(item_id)}" + (f" · product {_e(product_id)}" if product_id else "")
    shown = options_text(options)
    return (
        f'<div class="sa-card" style="{_CARD}">'
        f'<div class="sa-card-name" style="{_NAME}">{_e(name)}</div>'
        + (f'<div class="sa-card-options">{_e(shown)}</div>' if shown else "")
        + f'<div><span class="sa-card-price" style="{_PRICE}">{_e(money(price))}'
        f"</span> {_stock(available)}</div>"
        f'<div style="{_MUTED}">{ids}</div>'
        "</div>"
    )


def _grid(cards: Iterable[str]) -> str:
    joined = "".join(cards)
    if not joined:
        return "<p>No products matched.</p>"
    return f'<div class="sa-cards" style="{_GRID}">{joined}</div>'


@singledispatch
def render_html(result: Any) -> str:
    """The HTML of one typed tool result; types without cards show their text, escaped."""
    return f'<pre style="white-space:pre-wrap">{_e(render_text(result))}</pre>'


@render_html.register
def _(result: SearchResults) -> str:
    return _grid(
        product_card(h.name, h.item_id, h.options, h.price, h.available, h.product_id)
        for h in result.results
    )


def _product(product_id: str, name: str, description: str | None, cards: Iterable[str]) -> str:
    head = f'<div style="{_NAME}">{_e(name)} <span style="{_MUTED}">product '
    head += f"{_e(product_id)}</span></div>"
    text = f'<div style="{_MUTED}">{_e(description)}</div>' if description else ""
    return head + text + _grid(cards)


@render_html.register
def _(result: Suggestions) -> str:
    cards = []
    for hit in result.results:
        card = product_card(
            hit.name, hit.item_id or "", hit.options, hit.price, hit.available, hit.product_id
        )
        why = "; ".join(r.text for r in hit.reasons)
        cards.append(card.replace("</div>", f'<div style="{_MUTED}">{_e(why)}</div></div>', 1))
    return _grid(cards)


@render_html.register
def _(result: CatalogProduct) -> str:
    cards = (
        product_card(result.name, v.item_id, v.options, v.price, v.available, result.product_id)
        for v in result.variants
    )
    return _product(result.product_id, result.name, result.description, cards)


@render_html.register
def _(result: Product) -> str:
    cards = (
        product_card(result.name, v.item_id, v.options, v.price, v.available, result.product_id)
        for v in result.variants.values()
    )
    return _product(result.product_id, result.name, None, cards)


@render_html.register
def _(result: Comparison) -> str:
    head = "".join(f'<th style="{_CELL}">{_e(c)}</th>' for c in ["", *result.columns])
    body = []
    for row in result.rows:
        cells = []
        for value in row.values:
            if value is None:
                shown = "—"
            elif row.attribute == "price":
                shown = money(value)
            else:
                shown = str(value)
            cells.append(f'<td style="{_CELL}">{_e(shown)}</td>')
        body.append(f'<tr><th style="{_CELL}">{_e(row.attribute)}</th>{"".join(cells)}</tr>')
    return (
        f'<table class="sa-compare" style="{_TABLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


@render_html.register
def _(result: Order) -> str:
    rows = "".join(
        f'<tr><td style="{_CELL}">{_e(i.name)}</td>'
        f'<td style="{_CELL}">{_e(options_text(i.options))}</td>'
        f'<td style="{_CELL}">item {_e(i.item_id)}</td>'
        f'<td style="{_CELL}">{_e(money(i.price))}</td></tr>'
        for i in result.items
    )
    return (
        f'<div class="sa-order" style="{_CARD};max-width:none">'
        f'<div style="{_NAME}">Order {_e(result.order_id)} — {_e(result.status)}'
        f'</div><table style="{_TABLE}">{rows}</table></div>'
    )


@render_html.register
def _(result: Cart) -> str:
    if not result.items:
        return "<p>Your cart is empty.</p>"
    rows = "".join(
        f'<tr><td style="{_CELL}">{_e(i.quantity)} ×</td>'
        f'<td style="{_CELL}">{_e(i.name)}</td>'
        f'<td style="{_CELL}">item {_e(i.item_id)}</td>'
        f'<td style="{_CELL}">{_e(money(i.unit_price))}</td></tr>'
        for i in result.items
    )
    total = f'<div style="{_PRICE}">Total {_e(money(result.total))}</div>'
    return f'<div class="sa-cart"><table style="{_TABLE}">{rows}</table>{total}</div>'
