"""Customer and order files into a real SQLite store: Shopify's exports and our own formats,
bad rows reported by line while the good ones are kept, upsert and sync, one transaction."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.imports import (
    PeopleImportError,
    import_customers,
    import_orders,
    order_status,
    read_customers,
    read_orders,
    user_id_for,
)
from assistant.store import Store

CUSTOMER_HEADER = [
    "Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
    "Default Address Company", "Default Address Address1", "Default Address Address2",
    "Default Address City", "Default Address Province Code", "Default Address Country Code",
    "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
    "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags",
]  # fmt: skip
ORDER_HEADER = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Created at", "Lineitem quantity",
    "Lineitem name", "Lineitem price", "Lineitem sku", "Billing Name", "Billing Address1",
    "Billing City", "Billing Zip", "Billing Province", "Billing Country", "Shipping Name",
    "Shipping Address1", "Shipping Address2", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Cancelled at", "Payment Method", "Id",
]  # fmt: skip


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    """A CSV with `header`; row n (from 0) is on line n + 2."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**dict.fromkeys(header, ""), **row})
    return path


def customer(first: str, last: str, email: str, **more: str) -> dict[str, str]:
    return {
        "First Name": first,
        "Last Name": last,
        "Email": email,
        "Default Address Address1": "12 Harbour Rd",
        "Default Address City": "Portland",
        "Default Address Province Code": "ME",
        "Default Address Country Code": "US",
        "Default Address Zip": "'04101",
        **more,
    }


def order_row(name: str, sku: str, quantity: str = "1", **first: str) -> dict[str, str]:
    return {"Name": name, "Lineitem sku": sku, "Lineitem quantity": quantity, **first}


def order_head(email: str, financial: str = "paid", fulfillment: str = "fulfilled") -> dict:
    return {
        "Email": email,
        "Financial Status": financial,
        "Fulfillment Status": fulfillment,
        "Total": "61.00",
        "Shipping Name": "Grace Hopper",
        "Shipping Address1": "3 Navy Yard",
        "Shipping City": "Arlington",
        "Shipping Zip": "22202",
        "Shipping Province": "VA",
        "Shipping Country": "US",
        "Payment Method": "Shopify Payments",
        "Id": "5512345678901",
    }


def test_shopify_customers_bad_rows_by_line_and_the_good_ones_kept(
    store: Store, tmp_path: Path
) -> None:
    path = write_rows(
        tmp_path / "customers_export.csv",
        CUSTOMER_HEADER,
        [
            customer("Grace", "Hopper", "Grace.Hopper@example.com"),  # line 2
            customer("No", "Mail", ""),  # line 3
            customer("Bad", "Mail", "not-an-address"),  # line 4
            customer("Ada", "Byron", "ada@example.com"),  # line 5: a stored customer
            customer("Again", "Twice", "twice@example.com"),  # line 6
            customer("Again", "Twice", "TWICE@example.com"),  # line 7
        ],
    )
    report = read_customers(path)
    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "missing email"),
        (4, "email 'not-an-address' is not an email address"),
        (7, "email 'TWICE@example.com' already on line 6"),
    ]
    assert [c.email for c in report.records] == ["Grace.Hopper@example.com", "ada@example.com"]
    grace = report.records[0]
    assert (grace.address.zip, grace.address.state, grace.address.country) == ("04101", "ME", "US")

    before = set(store.user_ids())
    done = import_customers(store, path)
    assert (done.change.added, done.change.updated, done.change.removed) == (1, 1, 0)
    grace_id = user_id_for("grace.hopper@example.com")
    assert set(store.user_ids()) == before | {grace_id}
    ada = store.user("ada_lovelace_1")
    assert ada is not None and ada.name.last_name == "Byron"  # matched by email, id kept
    assert set(ada.payment_methods) == {"credit_card_1", "gift_card_1", "paypal_1"}

    again = import_customers(store, path)  # the same export again: the same users
    assert (again.change.added, again.change.updated) == (0, 2)
    assert set(store.user_ids()) == before | {grace_id}


def test_older_customer_exports_and_our_json(store: Store, tmp_path: Path) -> None:
    old = write_rows(
        tmp_path / "old.csv",
        ["First Name", "Last Name", "Email", "Address1", "City", "Province Code",
         "Country Code", "Zip"],
        [{"First Name": "Lin", "Last Name": "Wu", "Email": "lin@example.com",
          "Address1": "9 Elm", "City": "Leeds", "Province Code": "ENG", "Country Code": "GB",
          "Zip": "LS1 1AA"}],
    )  # fmt: skip
    [lin] = read_customers(old).records
    address = lin.address
    assert (address.address1, address.city, address.zip) == ("9 Elm", "Leeds", "LS1 1AA")

    ours = tmp_path / "customers.json"
    ours.write_text(
        json.dumps(
            [
                {
                    "email": "kim@example.com",
                    "name": {"first_name": "Kim", "last_name": "Park"},
                    "address": {"address1": "1 Oak", "city": "Busan", "zip": "48058"},
                    "payment_methods": [{"source": "paypal", "id": "paypal_77"}],
                },
                {"first_name": "No", "last_name": "Email"},
            ]
        )
    )
    report = read_customers(ours)
    assert [(e.line, e.reason) for e in report.errors] == [(2, "missing email")]
    import_customers(store, ours)
    kim = store.user(user_id_for("kim@example.com"))
    assert (
        kim is not None
        and kim.name.first_name == "Kim"
        and set(kim.payment_methods) == {"paypal_77"}
    )


@pytest.mark.parametrize(
    ("financial", "fulfillment", "cancelled", "status"),
    [
        ("paid", "unfulfilled", False, "pending"),
        ("authorized", "", False, "pending"),
        ("pending", "unfulfilled", False, "pending"),
        ("paid", "partial", False, "processed"),
        ("paid", "fulfilled", False, "delivered"),
        ("partially_refunded", "fulfilled", False, "delivered"),
        ("refunded", "fulfilled", False, "cancelled"),
        ("voided", "unfulfilled", False, "cancelled"),
        ("paid", "restocked", False, "cancelled"),
        ("paid", "unfulfilled", True, "cancelled"),
    ],
)
def test_order_status_from_shopify_statuses(
    financial: str, fulfillment: str, cancelled: bool, status: str
) -> None:
    assert order_status(financial, fulfillment, cancelled) == status


def test_unknown_statuses_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown financial status 'lost'"):
        order_status("lost", "fulfilled")
    with pytest.raises(ValueError, match="unknown fulfillment status 'shipped'"):
        order_status("paid", "shipped")


def _orders_csv(tmp_path: Path) -> Path:
    return write_rows(
        tmp_path / "orders_export.csv",
        ORDER_HEADER,
        [
            order_row("#1001", "2000000001", "2", **order_head("grace@example.com")),  # 2
            order_row("#1001", "3000000002", "1", **{"Lineitem price": "250.00"}),  # 3
            order_row("#1002", "NO-SUCH-SKU", **order_head("grace@example.com")),  # 4
            order_row("#1003", "2000000001", **{**order_head(""), "Email": ""}),  # 5
            order_row("#1004", "2000000002", "two", **order_head("ada@example.com")),  # 6
            order_row(
                "#1005", "2000000002", **order_head("ada@example.com", "paid", "unfulfilled")
            ),  # 7
            order_row("#1001", "2000000002"),  # 8: #1001 again, after other orders
        ],
    )


def test_shopify_orders_bad_rows_by_line_and_the_good_ones_kept(
    store: Store, tmp_path: Path
) -> None:
    path = _orders_csv(tmp_path)
    report = read_orders(path)
    assert [(e.line, e.reason) for e in report.errors] == [
        (5, "order #1003: missing email"),
        (6, "order #1004: quantity 'two' is not a whole number"),
        (8, "order #1001 already read on line 2; an order's rows must be together"),
    ]
    # #1001 has a rejected row (its name again on line 8): it is left out like the others.
    assert [o.order_id for o in report.records] == ["#1002", "#1005"]

    done = import_orders(store, path)
    assert [(e.line, e.reason) for e in done.report.errors][:2] == [
        (4, "order #1002: unknown SKU 'NO-SUCH-SKU': no variant of the catalog has it"),
        (5, "order #1003: missing email"),
    ]
    assert [o.order_id for o in done.report.records] == ["#1005"]
    assert (done.change.added, done.change.updated, done.customers_added) == (1, 0, 0)
    order = store.order("#1005")
    assert order is not None and order.user_id == "ada_lovelace_1" and order.status == "pending"
    assert [i.item_id for i in order.items] == ["2000000002"]
    # Ada's stored credit card pays it: the first stored method of the gateway's kind.
    assert order.payment_history[0].payment_method_id == "credit_card_1"
    assert store.order("#1001") is None and store.order("#1002") is None


def test_an_order_creates_its_customer_and_expands_quantities(store: Store, tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "orders.csv",
        ORDER_HEADER,
        [
            order_row("#1001", "2000000001", "2", **order_head("Grace@Example.com")),
            order_row("#1001", "3000000002", "1", **{"Lineitem price": "250.00"}),
        ],
    )
    done = import_orders(store, path)
    assert (done.change.added, done.customers_added) == (1, 1)
    grace = store.user(user_id_for("grace@example.com"))
    assert grace is not None and (grace.name.first_name, grace.name.last_name) == (
        "Grace",
        "Hopper",
    )
    assert grace.orders == ["#1001"] and grace.address.zip == "22202"
    order = store.order("#1001")
    assert order is not None and order.status == "delivered"
    assert [(i.item_id, i.price) for i in order.items] == [
        ("2000000001", 20.5),
        ("2000000001", 20.5),
        ("3000000002", 250.0),
    ]
    [method] = grace.payment_methods.values()
    assert method.source == "credit_card"
    assert [(p.transaction_type, p.amount, p.payment_method_id) for p in order.payment_history] == [
        ("payment", 61.0, method.id)
    ]
    assert order.fulfillments[0].item_ids == ["2000000001", "2000000001", "3000000002"]

    # Imported again with a new status: replaced in place, the customer not created twice.
    rows = [
        order_row("#1001", "2000000001", "1", **order_head("grace@example.com", "refunded")),
    ]
    again = import_orders(store, write_rows(tmp_path / "again.csv", ORDER_HEADER, rows))
    assert (again.change.added, again.change.updated, again.customers_added) == (0, 1, 0)
    order = store.order("#1001")
    assert order is not None and order.status == "cancelled" and len(order.items) == 1
    assert store.user(user_id_for("grace@example.com")).orders == ["#1001"]  # type: ignore[union-attr]


def test_our_jsonl_orders(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    lines: list[dict[str, Any]] = [
        {
            "order_id": "A-77",
            "email": "ada@example.com",
            "status": "delivered",
            "address": {"address1": "1 Main St", "city": "Austin", "zip": "73301"},
            "payment_method": "PayPal Express Checkout",
            "tracking_ids": ["TRACK1"],
            "items": [
                {"sku": "3000000001", "quantity": 1},
                {"name": "Water Bottle - 1000ml / blue"},
            ],
        },
        {"order_id": "A-78", "email": "ada@example.com", "status": "lost", "items": []},
        {"order_id": "A-79", "email": "ada@example.com", "items": [{"sku": "x", "quantity": 0}]},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    done = import_orders(store, path)
    assert [(e.line, e.reason) for e in done.report.errors] == [
        (2, "order #A-78: unknown status 'lost'"),
        (3, "order #A-79: item #1: quantity 0 is not positive"),
    ]
    order = store.order("#A-77")
    assert order is not None and [i.item_id for i in order.items] == ["3000000001", "2000000002"]
    assert order.payment_history[0].payment_method_id == "paypal_1"  # Ada's stored PayPal
    assert order.fulfillments[0].tracking_id == ["TRACK1"]


def test_sync_asks_first_and_a_failed_import_changes_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [order_row("#1001", "2000000001", **order_head("grace@example.com"))]
    path = write_rows(tmp_path / "orders.csv", ORDER_HEADER, rows)
    before = store.dump_tau2()
    asked: list[int] = []

    def decline(count: int) -> bool:
        asked.append(count)
        return False

    with pytest.raises(PeopleImportError, match="not confirmed"):
        import_orders(store, path, sync=True, confirm_removal=decline)
    assert asked == [len(before["orders"])] and store.dump_tau2() == before

    # The orders fail after the new customer was written: the customer is rolled back too.
    def refuse(*args: Any, **kwargs: Any) -> Any:
        from assistant.store import StoreError

        raise StoreError("refused for the test")

    monkeypatch.setattr(Store, "upsert_orders", refuse)
    with pytest.raises(PeopleImportError, match="refused for the test"):
        import_orders(store, path)
    assert store.dump_tau2() == before
    monkeypatch.undo()

    done = import_orders(store, path, sync=True, confirm_removal=lambda count: True)
    assert done.change.removed == len(before["orders"]) and store.order_ids() == ["#1001"]


def test_customer_sync_removes_customers_with_their_orders(store: Store, tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "c.csv", CUSTOMER_HEADER, [customer("Grace", "Hopper", "grace@example.com")]
    )
    others = store.user_ids()
    done = import_customers(store, path, sync=True, confirm_removal=lambda count: True)
    assert done.change.removed == len(others) and done.removed_orders
    assert store.user_ids() == [user_id_for("grace@example.com")] and store.order_ids() == []


def test_a_sync_is_refused_when_a_bad_row_names_no_record(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order_id,email,status,sku\n#1,ada@example.com,pending,2000000001\n,,,\nx,y\n")
    with pytest.raises(PeopleImportError, match="name no order"):
        import_orders(store, path, sync=True)
    assert store.order("#1") is None
