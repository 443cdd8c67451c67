"""A yes that names another payment method than the waiting change's does not run it."""

from __future__ import annotations

from assistant.engine.confirm import judge
from assistant.engine.payment_words import methods_named
from assistant.engine.requests import Requests
from assistant.store.models import CreditCard, GiftCard, Paypal
from assistant.tools import default_registry

METHODS = [
    CreditCard(source="credit_card", id="credit_card_1", brand="visa", last_four="4242"),
    GiftCard(source="gift_card", id="gift_card_2", balance=50.0),
    Paypal(source="paypal", id="paypal_3"),
]
YES = Requests(kinds=frozenset({"confirm"}), scores={"confirm": 1.0})
PENDING = {
    "name": "return_delivered_order_items",
    "arguments": {"order_id": "#W1", "item_ids": ["111"], "payment_method_id": "gift_card_2"},
}


def test_methods_are_named_by_kind_brand_and_digits() -> None:
    assert methods_named(METHODS, "refund it to my credit card") == ["credit_card_1"]
    assert methods_named(METHODS, "the gift card please") == ["gift_card_2"]
    assert methods_named(METHODS, "my visa ending 4242") == ["credit_card_1"]
    assert methods_named(METHODS, "PayPal") == ["paypal_3"]
    assert methods_named(METHODS, "yes go ahead") == []


def test_a_yes_naming_another_method_asks_again() -> None:
    registry = default_registry()
    verdict = judge(PENDING, "yep go ahead, refund it to my credit card", YES, registry,
                    methods=METHODS)  # fmt: skip
    assert verdict.action == "ask_again"
    assert "credit_card_1" in verdict.message and "gift_card_2" in verdict.message
    assert judge(PENDING, "yes, to the gift card", YES, registry, methods=METHODS).action == "run"
    assert judge(PENDING, "yes", YES, registry, methods=METHODS).action == "run"
