"""Grounding verifier: a reply may only state ids and prices the session has seen.

Small models (and large ones) invent prices and ids. Every product id, item id (10-digit
numbers in the τ² world), order id (`#W` + 7 digits) and price in a reply must appear in
this session's successful tool results, or in the shopper's own messages (repeating what the
shopper said is not an invention). A reply that fails is never shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

ORDER_ID = re.compile(r"(?<![A-Za-z0-9])#?W(\d{7})(?!\d)")
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


def extract_claims(text: str) -> Claims:
    """Order ids, 10-digit ids and prices written in `text`."""
    order_ids = frozenset("#W" + m.group(1) for m in ORDER_ID.finditer(text))
    ids = frozenset(m.group(1) for m in TEN_DIGIT_ID.finditer(text))
    prices: set[Decimal] = set()
    for pattern in PRICE_PATTERNS:
        for match in pattern.finditer(text):
            cents = to_cents(match.group(1))
            if cents is not None:
                prices.add(cents)
    return Claims(order_ids, ids, frozenset(prices))


@dataclass
class Evidence:
    """What the session has seen: ids and amounts from tool results and the shopper."""

    order_ids: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    amounts: set[Decimal] = field(default_factory=set)

    def add_text(self, text: str) -> None:
        """Record the ids and every number written in `text`."""
        self.order_ids.update("#W" + m.group(1) for m in ORDER_ID.finditer(text))
        self.ids.update(m.group(1) for m in TEN_DIGIT_ID.finditer(text))
        for match in NUMBER.finditer(text):
            cents = to_cents(match.group(1))
            if cents is not None:
                self.amounts.add(cents)

    def add_data(self, data: Any) -> None:
        """Record everything in a tool result (JSON data: keys, strings and numbers)."""
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
    """Check every id and price in `text` against `evidence`."""
    claims = extract_claims(text)
    missing = [o for o in sorted(claims.order_ids) if o not in evidence.order_ids]
    missing += [i for i in sorted(claims.ids) if i not in evidence.ids]
    missing += [f"${p}" for p in sorted(claims.prices) if p not in evidence.amounts]
    return GroundingReport(tuple(missing))


def evidence_from(tool_data: Iterable[Any], shopper_texts: Iterable[str]) -> Evidence:
    """Evidence built from successful tool results and the shopper's messages."""
    evidence = Evidence()
    for data in tool_data:
        evidence.add_data(data)
    for text in shopper_texts:
        evidence.add_text(text)
    return evidence
