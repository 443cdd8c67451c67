"""Which of a shopper's payment methods their words name: PayPal, a gift card, a card by
"card", "credit card", its brand or its last four digits."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.store.models import CreditCard, GiftCard, Paypal

_ANY_METHOD = re.compile(r"\b(?:gift|paypal|card|visa|mastercard|amex)\b", re.IGNORECASE)


def names_a_method(text: str) -> bool:
    """Whether `text` names some payment method, before the shopper's own are known."""
    return _ANY_METHOD.search(text) is not None


def _words(method: CreditCard | Paypal | GiftCard) -> set[str]:
    words = {method.source.replace("_", " ")}
    if isinstance(method, CreditCard):
        words |= {"credit card", "card", method.brand.lower(), method.last_four}
    if isinstance(method, GiftCard):
        words.add("gift")
    return words


def methods_named(methods: Iterable[CreditCard | Paypal | GiftCard], text: str) -> list[str]:
    """The ids of the methods `text` names, in the given order."""
    said = text.lower()
    # "card" alone is a credit card's word, not the end of "gift card"
    return [
        method.id
        for method in methods
        if any(re.search(rf"(?<!gift )\b{re.escape(w)}\b", said) for w in _words(method))
    ]
