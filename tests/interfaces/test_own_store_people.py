"""A merchant's own store end to end: on the demo store, a Shopify product export brings a new
product, the customer and order exports bring a shopper and an order of it, and the shopper
signs in, asks about the order (`#1001`, a Shopify order name) and exchanges it for the
product's other variant through the real engine, tools and SQLite store (a scripted model
stands in for the chat model; the grounding check and the confirmation run as in production).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assistant.catalog_import import import_catalog
from assistant.imports import import_customers, import_orders, user_id_for
from assistant.llm.scripted import ScriptedModel, call, say
from assistant.services import Services
from tests.interfaces.conftest import build_shop
from tests.interfaces.support import lantern_csv, shop_services

EMAIL = "jane.moss@example.com"


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    header = list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _customers_export(path: Path) -> Path:
    return _csv(
        path,
        [
            {
                "Customer ID": "7001234567890",
                "First Name": "Jane",
                "Last Name": "Moss",
                "Email": EMAIL,
                "Accepts Email Marketing": "yes",
                "Default Address Company": "",
                "Default Address Address1": "4 Quay Street",
                "Default Address Address2": "",
                "Default Address City": "Falmouth",
                "Default Address Province Code": "MA",
                "Default Address Country Code": "US",
                "Default Address Zip": "'02540",
                "Default Address Phone": "",
                "Phone": "+15085550100",
                "Total Spent": "34.00",
                "Total Orders": "1",
            }
        ],
    )


def _orders_export(path: Path) -> Path:
    return _csv(
        path,
        [
            {
                "Name": "#1001",
                "Email": EMAIL,
                "Financial Status": "paid",
                "Fulfillment Status": "fulfilled",
                "Created at": "2026-11-20 10:04:11 -0500",
                "Total": "34.00",
                "Lineitem quantity": "1",
                "Lineitem name": "Storm Lantern - amber",
                "Lineitem price": "34.00",
                "Lineitem sku": "LANTERN-AMBER",
                "Shipping Name": "Jane Moss",
                "Shipping Address1": "4 Quay Street",
                "Shipping City": "Falmouth",
                "Shipping Zip": "02540",
                "Shipping Province": "MA",
                "Shipping Country": "US",
                "Payment Method": "Shopify Payments",
                "Id": "5601234567890",
            }
        ],
    )


@pytest.fixture
def shop(tmp_path: Path) -> Services:
    return shop_services(build_shop(tmp_path / "shop"))


def test_an_imported_shopper_exchanges_an_imported_order(shop: Services, tmp_path: Path) -> None:
    before_users, before_orders = len(shop.store.user_ids()), len(shop.store.order_ids())
    catalog = import_catalog(shop, lantern_csv(tmp_path / "products_export.csv"))
    assert catalog.store.added == 1
    people = import_customers(shop.store, _customers_export(tmp_path / "customers_export.csv"))
    orders = import_orders(shop.store, _orders_export(tmp_path / "orders_export.csv"))
    assert (people.change.added, orders.change.added, orders.customers_added) == (1, 1, 0)
    assert len(shop.store.user_ids()) == before_users + 1
    assert len(shop.store.order_ids()) == before_orders + 1

    user_id = user_id_for(EMAIL)
    jane = shop.store.user(user_id)
    assert jane is not None and jane.orders == ["#1001"] and jane.address.zip == "02540"
    [card] = jane.payment_methods
    engine = shop.engine
    model = ScriptedModel(
        [
            call("find_user_id_by_email", email=EMAIL),
            call("get_order_details", order_id="#1001"),
            say("Order #1001 is delivered: one Storm Lantern in amber for $34.00."),
            call("get_product_details", product_id="storm-lantern"),
            call(
                "exchange_delivered_order_items",
                order_id="#1001",
                item_ids=["LANTERN-AMBER"],
                new_item_ids=["LANTERN-FOREST"],
                payment_method_id=card,
            ),
            say("Done: the forest Storm Lantern is on its way once the amber one is back."),
        ]
    )
    engine.model = model

    status = engine.respond("s1", f"Hi, I'm {EMAIL}. What's the status of order #1001?")
    assert status.reply == "Order #1001 is delivered: one Storm Lantern in amber for $34.00."
    assert not status.grounding_failed and shop.store.load_session("s1").user_id == user_id

    asked = engine.respond("s1", "I'd like to exchange the Storm Lantern for the forest one.")
    assert asked.pending_action == {
        "name": "exchange_delivered_order_items",
        "arguments": {
            "order_id": "#1001",
            "item_ids": ["LANTERN-AMBER"],
            "new_item_ids": ["LANTERN-FOREST"],
            "payment_method_id": card,
        },
    }
    assert shop.store.order("#1001").status == "delivered"  # type: ignore[union-attr]

    # A yes naming another order of this store's shape does not run the waiting exchange.
    other = engine.respond("s1", "yes, and #1002 too")
    assert other.reply.startswith("You mentioned #1002, which is not part of the change")
    assert other.pending_action is not None
    assert shop.store.order("#1001").status == "delivered"  # type: ignore[union-attr]

    done = engine.respond("s1", "yes")
    assert [c.name for c in done.tool_calls] == ["exchange_delivered_order_items"]
    order = shop.store.order("#1001")
    assert order is not None and order.status == "exchange requested"
    assert order.exchange_items == ["LANTERN-AMBER"]
    assert order.exchange_new_items == ["LANTERN-FOREST"]
    assert order.exchange_price_difference == 2.5 and order.exchange_payment_method_id == card
    assert model.remaining == 0


def test_a_reply_naming_an_order_the_session_never_saw_is_replaced(
    shop: Services, tmp_path: Path
) -> None:
    import_catalog(shop, lantern_csv(tmp_path / "products_export.csv"))
    import_orders(shop.store, _orders_export(tmp_path / "orders_export.csv"))
    engine = shop.engine
    engine.model = ScriptedModel(
        [
            call("find_user_id_by_email", email=EMAIL),
            call("get_order_details", order_id="#1001"),
            say("Order #1001 is delivered, and so is your order #1002."),
        ]
    )
    out = engine.respond("s1", f"I'm {EMAIL}; where is order #1001?")
    assert out.grounding_failed and "#1002" not in out.reply and "#1001" in out.reply
