"""Grounding verifier: a reply may only state ids, prices and item facts the session has seen.

Small models (and large ones) invent prices and ids, and pin one product's options on
another. Every product id, item id (10-digit numbers in the τ² world), order id (of the
shapes the store's order ids have: `#W` + 7 digits in the τ² world, `#1001` for orders
imported from Shopify; `assistant.store.order_ids`) and price in a reply must appear in
this session's successful tool results, or in the shopper's own messages (repeating what the
shopper said is not an invention). And what a reply says about an item must be that item's:
in a line or sentence that names one item (by its id) or one product (by its name), every
option value and product name must belong to it, and a price next to one item id must be its
price. A reply that fails is never shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import singledispatch
from typing import Any

from assistant.llm.quoting import to_jsonable
from assistant.store.models import Order, Product
from assistant.store.order_ids import OrderIdPattern
from assistant.tools.results import Cart, CatalogProduct, SearchResults

TAU2_ORDER_IDS = OrderIdPattern()
TEN_DIGIT_ID = re.compile(r"(?<![\d.])(\d{10})(?![\d])")
_AMOUNT = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
# Prices as a reply writes them: "$12.34", "$ 1,299", "12.34 dollars", "USD 12.34", "12.34 USD".
PRICE_PATTERNS = (
    re.compile(r"(?:US)?\$\s?" + _AMOUNT, re.IGNORECASE),
    re.compile(_AMOUNT + r"\s?(?:dollars?|usd|bucks)\b", re.IGNORECASE),
    re.compile(r"\busd\s?" + _AMOUNT, re.IGNORECASE),
)
NUMBER = re.compile(_AMOUNT)


def to_cents(text: str) -> Decimal | None:
    """`"1,299.5"` → `Decimal("1299.50")`; None when it is not a number."""
    try:
        return Decimal(text.replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Claims:
    """The checkable facts a reply states."""

    order_ids: frozenset[str]
    ids: frozenset[str]
    prices: frozenset[Decimal]


def extract_claims(text: str, order_ids_like: OrderIdPattern = TAU2_ORDER_IDS) -> Claims:
    """Order ids (of the shapes `order_ids_like` knows), 10-digit ids and prices in `text`."""
    order_ids = frozenset(order_ids_like.find(text))
    ids = frozenset(m.group(1) for m in TEN_DIGIT_ID.finditer(text))
    prices: set[Decimal] = set()
    for pattern in PRICE_PATTERNS:
        for match in pattern.finditer(text):
            cents = to_cents(match.group(1))
            if cents is not None:
                prices.add(cents)
    return Claims(order_ids, ids, frozenset(prices))


@dataclass(frozen=True)
class ItemFact:
    """One item a tool result showed: its product's name, its ids, options and price."""

    name: str
    item_id: str
    product_id: str
    values: frozenset[str]
    """Its option values, lower-cased."""
    price: Decimal | None


@dataclass
class Evidence:
    """What the session has seen: ids and amounts from tool results and the shopper."""

    order_ids: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    amounts: set[Decimal] = field(default_factory=set)
    items: dict[str, ItemFact] = field(default_factory=dict)
    """The items tool results showed, by item id."""
    order_ids_like: OrderIdPattern = TAU2_ORDER_IDS
    """How the store's order ids look (`Store.order_id_pattern()`), in evidence and replies."""

    def add_text(self, text: str) -> None:
        """Record the ids and every number written in `text`."""
        self.order_ids.update(self.order_ids_like.find(text))
        self.ids.update(m.group(1) for m in TEN_DIGIT_ID.finditer(text))
        for match in NUMBER.finditer(text):
            cents = to_cents(match.group(1))
            if cents is not None:
                self.amounts.add(cents)

    def add_result(self, result: Any) -> None:
        """Record a typed tool result: its values and the items it shows."""
        for item in item_facts(result):
            self.items.setdefault(item.item_id, item)
        self.add_data(to_jsonable(result))

    def add_data(self, data: Any) -> None:
        """Record everything in a tool result's JSON data: keys, strings and numbers."""
        if isinstance(data, Mapping):
            for key, value in data.items():
                self.add_text(str(key))
                self.add_data(value)
        elif isinstance(data, list | tuple):
            for value in data:
                self.add_data(value)
        elif isinstance(data, bool) or data is None:
            return
        elif isinstance(data, int | float):
            cents = to_cents(repr(data))
            if cents is not None:
                self.amounts.add(cents)
        else:
            self.add_text(str(data))


@dataclass(frozen=True)
class GroundingReport:
    """The verdict on one reply."""

    unsupported: tuple[str, ...]

    @property
    def grounded(self) -> bool:
        """True when every id and price in the reply is supported."""
        return not self.unsupported


def verify(text: str, evidence: Evidence) -> GroundingReport:
    """Check every id and price in `text` against `evidence`, and what it says of each item."""
    claims = extract_claims(text, evidence.order_ids_like)
    missing = [o for o in sorted(claims.order_ids) if o not in evidence.order_ids]
    missing += [i for i in sorted(claims.ids) if i not in evidence.ids]
    missing += [f"${p}" for p in sorted(claims.prices) if p not in evidence.amounts]
    missing += misattributed(text, evidence.items)
    return GroundingReport(tuple(dict.fromkeys(missing)))


def _fact(
    name: str, product_id: str, item_id: str, options: Mapping[str, str], price: float
) -> ItemFact:
    values = frozenset(str(v).lower() for v in options.values())
    return ItemFact(name, item_id, product_id, values, to_cents(repr(price)))


@singledispatch
def item_facts(result: Any) -> list[ItemFact]:
    """The items a typed tool result shows (none for results that show no item)."""
    return []


@item_facts.register
def _(result: SearchResults) -> list[ItemFact]:
    return [_fact(h.name, h.product_id, h.item_id, h.options, h.price) for h in result.results]


@item_facts.register
def _(result: CatalogProduct) -> list[ItemFact]:
    return [
        _fact(result.name, result.product_id, v.item_id, v.options, v.price)
        for v in result.variants
    ]


@item_facts.register
def _(result: Product) -> list[ItemFact]:
    return [
        _fact(result.name, result.product_id, v.item_id, v.options, v.price)
        for v in result.variants.values()
    ]


@item_facts.register
def _(result: Order) -> list[ItemFact]:
    return [_fact(i.name, i.product_id, i.item_id, i.options, i.price) for i in result.items]


@item_facts.register
def _(result: Cart) -> list[ItemFact]:
    return [_fact(i.name, i.product_id, i.item_id, i.options, i.unit_price) for i in result.items]


_SEGMENT = re.compile(r"(?<=[.!?;])\s+|\n+")
# Option values too common as plain words to be read as a claim about an item.
_PLAIN = frozenset({"yes", "no", "none", "standard", "regular", "one", "all", "other"})


def _mentions(segment: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", segment) is not None


def misattributed(text: str, items: Mapping[str, ItemFact]) -> list[str]:
    """What `text` says of an item that is another item's: in each line or sentence naming one
    item (by id) or one product (by name), option values, product names and prices of others.
    """
    if not items:
        return []
    names = {i.name.lower() for i in items.values()}
    values = {v for i in items.values() for v in i.values}
    values = {v for v in values if len(v) > 2 and not v.isdigit() and v not in _PLAIN}
    problems = []
    for segment in _SEGMENT.split(text):
        low = segment.lower()
        said_ids = [m.group(1) for m in TEN_DIGIT_ID.finditer(segment) if m.group(1) in items]
        said_names = sorted(n for n in names if _mentions(low, n))
        # A longer name holds a shorter one ("water bottle" in "water bottle holder").
        said_names = [n for n in said_names if not any(n != m and n in m for m in said_names)]
        subject: list[ItemFact]
        if len(set(said_ids)) == 1:
            subject = [items[said_ids[0]]]
        elif not said_ids and len(said_names) == 1:
            subject = [i for i in items.values() if i.name.lower() == said_names[0]]
        else:
            continue
        own_values = set().union(*(i.values for i in subject))
        own_name = subject[0].name.lower()
        problems += [
            f"{v!r} is not an option of {subject[0].name}"
            for v in sorted(values - own_values)
            if _mentions(low, v) and v not in own_name and not any(v in n for n in said_names)
        ]
        problems += [f"{n!r} named with {subject[0].name}" for n in said_names if n != own_name]
        if len(subject) == 1 and subject[0].price is not None:
            for pattern in PRICE_PATTERNS:
                for match in pattern.finditer(segment):
                    cents = to_cents(match.group(1))
                    if cents is not None and cents != subject[0].price:
                        problems.append(f"${cents} is not the price of item {subject[0].item_id}")
    return problems


def evidence_from(
    tool_data: Iterable[Any],
    shopper_texts: Iterable[str],
    order_ids_like: OrderIdPattern = TAU2_ORDER_IDS,
) -> Evidence:
    """Evidence built from successful tool results and the shopper's messages."""
    evidence = Evidence(order_ids_like=order_ids_like)
    for data in tool_data:
        evidence.add_data(data)
    for text in shopper_texts:
        evidence.add_text(text)
    return evidence
