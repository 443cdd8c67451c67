"""Ids of any form are known by the catalog's own ids: SKUs with letters and dashes, ones
without a digit, user ids without a digit; the ten-digit ids of the τ² catalog as before."""

from __future__ import annotations

import json

from assistant.engine.catalog_ids import typed_ids
from assistant.engine.shopping_steps import typed_products
from assistant.engine.shown import candidates, shown_ids
from assistant.engine.sources import quantities
from assistant.llm.quoting import quote_tool_result
from assistant.tools import default_registry
from retrieval.catalog import Product, Variant
from retrieval.documents import variant_meta
from retrieval.table import Vocabulary

CATALOG = [
    Product(
        product_id="BL-P0011",
        name="Night Shift Espresso",
        product_type="Coffee Beans",
        variants=[
            Variant(item_id="BL-NSE-250-ES", options={"bag size": "250g"}, price=16.5),
            Variant(item_id="BL-NSE-1K-ES", options={"bag size": "1kg"}, price=52.99),
        ],
    ),
    Product(
        product_id="BL-P0035",
        name="Brew Scale",
        product_type="Scale",
        variants=[
            Variant(item_id="BL-SCL-BLK", options={"color": "black"}, price=42.99),
            Variant(item_id="BL-SCL-WHT", options={"color": "white"}, price=42.99),
        ],
    ),
    Product(
        product_id="8310926033",
        name="Water Bottle",
        product_type="Water Bottle",
        variants=[Variant(item_id="2366567022", options={"color": "blue"}, price=54.04)],
    ),
]
IDS = Vocabulary.from_metas(variant_meta(p, v) for p in CATALOG for v in p.variants).ids


def test_the_vocabulary_knows_every_item_and_product_id_with_its_product() -> None:
    assert IDS["bl-scl-wht"] == ("BL-SCL-WHT", "BL-P0035")
    assert IDS["bl-p0035"] == ("BL-P0035", "BL-P0035")
    assert IDS["2366567022"] == ("2366567022", "8310926033")
    assert len(IDS) == 8  # five items, three products


def test_a_typed_id_is_found_whole_in_any_case_with_punctuation_around_it() -> None:
    found = typed_ids("is (bl-scl-wht) the same as BL-SCL-BLK? or BL-SCL?", IDS)
    assert [(t.id, t.product_id) for t in found] == [
        ("BL-SCL-WHT", "BL-P0035"),
        ("BL-SCL-BLK", "BL-P0035"),
    ]
    text = "is (bl-scl-wht) the same"
    assert text[found[0].start : found[0].end] == "bl-scl-wht"
    assert typed_ids("a BL-SCL-WHTX or XBL-SCL-WHT", IDS) == []
    assert typed_ids("BL-SCL-WHT", {}) == []


def test_a_cart_request_names_skus_of_any_form_with_their_counts() -> None:
    text = "add two BL-NSE-250-ES and one bl-scl-wht to my cart please"
    assert quantities(text, IDS) == [("BL-NSE-250-ES", 2), ("BL-SCL-WHT", 1)]
    # Without the catalog's ids a SKU is not an item (the count of the text is all there is).
    assert quantities(text) == [(None, 2)]
    # Ten-digit ids are items with or without the catalog, and not named twice with it.
    tau2 = "Please add one 2323972008 and two 2366567022"
    assert quantities(tau2, IDS) == quantities(tau2) == [("2323972008", 1), ("2366567022", 2)]


def test_a_typed_item_id_stands_for_its_product() -> None:
    assert typed_products("what is BL-SCL-WHT exactly?", IDS) == ["BL-P0035"]
    assert typed_products("tell me about bl-p0011", IDS) == ["BL-P0011"]
    assert typed_products("tell me about 8310926033") == ["8310926033"]


def _lookup_then(user: str) -> list[dict]:
    lookup = {
        "id": "call_1",
        "type": "function",
        "function": {
            "name": "find_user_id_by_email",
            "arguments": json.dumps({"email": "anaa@example.com"}),
        },
    }
    return [
        {"role": "user", "content": "hi, anaa@example.com"},
        {"role": "assistant", "content": "", "tool_calls": [lookup]},
        {
            "role": "tool",
            "tool_call_id": "call_1",
            "content": quote_tool_result("find_user_id_by_email", "ana.abara"),
        },
        {"role": "user", "content": user},
    ]


def test_ids_without_a_digit_may_be_named_once_shown_or_typed() -> None:
    registry = default_registry()
    messages = _lookup_then("please add one bl-scl-wht")
    shown = shown_ids(messages, registry, IDS)
    # The user id a tool returned, though no digit marks it as an id (ids are not told
    # apart by kind, as with ten-digit ids); a user id only typed is not one.
    assert "ana.abara" in candidates("user_id", shown)
    typed = shown_ids([{"role": "user", "content": "I am ana.abara"}], registry, IDS)
    assert candidates("user_id", typed) == []
    # The SKU the shopper typed is the item, pointed at, with its product.
    assert candidates("item_id", shown) == ["BL-SCL-WHT"]
    assert shown.product_of["BL-SCL-WHT"] == "BL-P0035"
    assert candidates("product_id", shown) == ["BL-P0035"]
    # Without the catalog's ids the typed SKU is no id at all.
    assert "BL-SCL-WHT" not in candidates("item_id", shown_ids(messages, registry))
