"""The messages sent to the model carry the product's facts and the merchant's request."""

from __future__ import annotations

import pytest

from assistant.copy import CopyRequest, build_messages
from assistant.copy.messages import feedback_message
from retrieval.catalog import Product


def test_the_messages_hold_every_fact_and_the_request(catalog: dict[str, Product]) -> None:
    jacket = catalog["jacket"]
    request = CopyRequest(
        product_id="jacket", tone="playful", audience="hikers", length="short", fields=["title"]
    )
    system, user = build_messages(jacket, request)
    assert system["role"] == "system" and "JSON" in system["content"]
    text = user["content"]
    for fact in ("Rain Jacket", "Northpeak", "waterproof", "olive", "nylon", "S, M, L"):
        assert fact in text
    assert "Price: $120.00 to $135.50" in text and "In stock: 2 of 3 variants" in text
    assert "color olive, size L, material nylon: $135.50, sold out" in text
    assert (
        "Tone: playful" in text and "Audience: hikers" in text and "Fields to write: title" in text
    )
    assert "3 bullets" in text


def test_a_request_for_another_product_is_refused(catalog: dict[str, Product]) -> None:
    with pytest.raises(ValueError, match="request is for product 'mug', not 'jacket'"):
        build_messages(catalog["jacket"], CopyRequest(product_id="mug"))


def test_feedback_names_the_problem() -> None:
    message = feedback_message("'olive' is not a color of this product")
    assert message["role"] == "user" and "'olive' is not a color" in message["content"]
