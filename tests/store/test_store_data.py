"""Loading and dumping the retail world; validation of bad data; portable schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from assistant.store import Store, StoreError
from assistant.store.schema import Base


def test_tau2_world_round_trips_exactly(tmp_path: Path, tau2_db: dict[str, Any]) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    store.create_all()
    store.load_tau2(tau2_db)
    dumped = store.dump_tau2()
    assert dumped == tau2_db
    # Same key order too, so a dump can be diffed against db.json as text.
    assert json.dumps(dumped) == json.dumps(tau2_db)
    assert len(store.user_ids()) == len(tau2_db["users"])
    store.close()


def test_reopened_file_keeps_the_data(tmp_path: Path, world: dict[str, Any]) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'store.sqlite'}"
    first = Store(url)
    first.create_all()
    first.load_tau2(world)
    first.close()
    second = Store(url)
    second.create_all()  # idempotent: existing tables and rows stay
    assert second.dump_tau2() == world
    second.close()


def test_load_replaces_the_previous_world(store: Store, world: dict[str, Any]) -> None:
    smaller = json.loads(json.dumps(world))
    del smaller["users"]["alan_turing_2"]
    del smaller["products"]["1000000002"]
    for order in smaller["orders"].values():
        order["items"] = [i for i in order["items"] if i["product_id"] != "1000000002"]
    store.load_tau2(smaller)
    assert store.dump_tau2() == smaller
    assert store.user("alan_turing_2") is None
    assert store.product("1000000002") is None


def test_read_api_returns_typed_records(store: Store) -> None:
    user = store.user("ada_lovelace_1")
    assert user is not None
    assert user.orders == ["#W1", "#W2", "#W3", "#W4", "#W5", "#W6"]
    assert user.payment_methods["gift_card_1"].balance == 50.0  # type: ignore[union-attr]
    order = store.order("#W3")
    assert order is not None and order.status == "delivered"
    assert [o.order_id for o in store.user_orders("ada_lovelace_1")] == user.orders
    assert [p.name for p in store.products()] == ["Water Bottle", "Desk Lamp"]
    assert store.variant("2000000003") is not None
    assert store.variant("2000000003").available is False  # type: ignore[union-attr]
    product = store.product_for_item("3000000002")
    assert product is not None and product.product_id == "1000000002"
    assert store.order("#W999") is None and store.variant("nope") is None


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda w: w["users"]["ada_lovelace_1"].pop("email"), "users.ada_lovelace_1.email"),
        (lambda w: w["orders"]["#W1"].update(status="lost"), "orders.#W1.status"),
        (
            lambda w: w["users"]["ada_lovelace_1"]["orders"].remove("#W2"),
            "orders.#W2: not listed in users.ada_lovelace_1.orders",
        ),
        (lambda w: w["orders"]["#W1"].update(user_id="nobody"), "orders.#W1: unknown user"),
        (
            lambda w: w["products"]["1000000002"]["variants"].update(
                {"2000000001": dict(w["products"]["1000000001"]["variants"]["2000000001"])}
            ),
            "item id also used by product 1000000001",
        ),
        (lambda w: w["users"].update(x=w["users"]["alan_turing_2"]), "users.x: user_id is"),
    ],
)
def test_bad_data_is_refused_and_nothing_is_lost(
    store: Store, world: dict[str, Any], break_it: Any, message: str
) -> None:
    before = store.dump_tau2()
    broken = json.loads(json.dumps(world))
    break_it(broken)
    with pytest.raises(StoreError, match="invalid retail data") as err:
        store.load_tau2(broken)
    assert message in str(err.value)
    assert store.dump_tau2() == before


def test_schema_compiles_for_postgresql() -> None:
    # The same metadata must create the schema on PostgreSQL: compile all DDL for it.
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    ddl = []
    for table in Base.metadata.sorted_tables:
        ddl.append(str(CreateTable(table).compile(dialect=dialect)))
        ddl += [str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes]
    text = "\n".join(ddl)
    assert "CREATE TABLE order_payments" in text
    assert "JSON" in text and "TIMESTAMP WITH TIME ZONE" in text
