"""Test data for the store: a tiny typed retail world and access to the real τ² one."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.demo.tau2_data import RETAIL_DATA, read_member


class Clock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def tau2_json(name: str, cache: Path) -> Any:
    """A file of τ²'s retail data (`db.json`, `tasks.json`) from the wheel in `cache`."""
    return json.loads(read_member(RETAIL_DATA + name, cache))


def _address(street: str, zip_code: str) -> dict[str, str]:
    return {
        "address1": street,
        "address2": "Suite 1",
        "city": "Austin",
        "country": "USA",
        "state": "TX",
        "zip": zip_code,
    }


def _item(product: dict[str, Any], item_id: str) -> dict[str, Any]:
    variant = product["variants"][item_id]
    return {
        "name": product["name"],
        "product_id": product["product_id"],
        "item_id": item_id,
        "price": variant["price"],
        "options": variant["options"],
    }


_PRODUCTS: dict[str, Any] = {
    "1000000001": {
        "name": "Water Bottle",
        "product_id": "1000000001",
        "variants": {
            "2000000001": {
                "item_id": "2000000001",
                "options": {"capacity": "500ml", "color": "blue"},
                "available": True,
                "price": 20.5,
            },
            "2000000002": {
                "item_id": "2000000002",
                "options": {"capacity": "1000ml", "color": "blue"},
                "available": True,
                "price": 30.25,
            },
            "2000000003": {
                "item_id": "2000000003",
                "options": {"capacity": "1000ml", "color": "red"},
                "available": False,
                "price": 31.0,
            },
        },
    },
    "1000000002": {
        "name": "Desk Lamp",
        "product_id": "1000000002",
        "variants": {
            "3000000001": {
                "item_id": "3000000001",
                "options": {"color": "white"},
                "available": True,
                "price": 100.0,
            },
            "3000000002": {
                "item_id": "3000000002",
                "options": {"color": "black"},
                "available": True,
                "price": 250.0,
            },
        },
    },
}


def tiny_world() -> dict[str, Any]:
    """A small τ²-shaped world: 2 products, 2 users, orders in every status the tools check.

    Orders of `ada_lovelace_1` (gift card `gift_card_1` holds 50.0):
    `#W1` pending, paid by credit card; `#W2` pending, paid by gift card;
    `#W3` delivered, two bottles of the same item, paid by PayPal; `#W4` processed;
    `#W5` pending (item modified); `#W6` pending with a second payment whose method the user
    no longer has (to show that a failing tool leaves nothing half-done).
    """
    bottle, lamp = _PRODUCTS["1000000001"], _PRODUCTS["1000000002"]

    def order(order_id: str, status: str, items: list[dict[str, Any]], payments: list[Any]):
        return {
            "order_id": order_id,
            "user_id": "ada_lovelace_1",
            "address": _address("1 Main St", "73301"),
            "items": items,
            "status": status,
            "fulfillments": [],
            "payment_history": [
                {"transaction_type": "payment", "amount": amount, "payment_method_id": method}
                for method, amount in payments
            ],
        }

    orders = {
        "#W1": order(
            "#W1",
            "pending",
            [_item(bottle, "2000000001"), _item(lamp, "3000000001")],
            [("credit_card_1", 120.5)],
        ),
        "#W2": order("#W2", "pending", [_item(bottle, "2000000001")], [("gift_card_1", 20.5)]),
        "#W3": order(
            "#W3",
            "delivered",
            [_item(bottle, "2000000001"), _item(bottle, "2000000001")],
            [("paypal_1", 41.0)],
        ),
        "#W4": order("#W4", "processed", [_item(lamp, "3000000001")], [("credit_card_1", 100.0)]),
        "#W5": order(
            "#W5", "pending (item modified)", [_item(lamp, "3000000002")], [("paypal_1", 250.0)]
        ),
        "#W6": order(
            "#W6",
            "pending",
            [_item(lamp, "3000000001")],
            [("gift_card_1", 40.0), ("credit_card_gone", 60.0)],
        ),
    }
    orders["#W3"]["fulfillments"] = [
        {"tracking_id": ["111"], "item_ids": ["2000000001", "2000000001"]}
    ]
    users = {
        "ada_lovelace_1": {
            "user_id": "ada_lovelace_1",
            "name": {"first_name": "Ada", "last_name": "Lovelace"},
            "address": _address("1 Main St", "73301"),
            "email": "ada@example.com",
            "payment_methods": {
                "credit_card_1": {
                    "source": "credit_card",
                    "id": "credit_card_1",
                    "brand": "visa",
                    "last_four": "1234",
                },
                "gift_card_1": {"source": "gift_card", "id": "gift_card_1", "balance": 50.0},
                "paypal_1": {"source": "paypal", "id": "paypal_1"},
            },
            "orders": list(orders),
        },
        "alan_turing_2": {
            "user_id": "alan_turing_2",
            "name": {"first_name": "Alan", "last_name": "Turing"},
            "address": _address("2 Side St", "10001"),
            "email": "Alan.Turing@Example.com",
            "payment_methods": {
                "gift_card_2": {"source": "gift_card", "id": "gift_card_2", "balance": 0.0}
            },
            "orders": [],
        },
    }
    return copy.deepcopy({"products": _PRODUCTS, "users": users, "orders": orders})
