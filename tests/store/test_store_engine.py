"""Engine set-up: in-memory SQLite, and concurrent writers on one SQLite file."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from assistant.store import Store


def test_in_memory_store_is_one_shared_database(world: dict[str, Any]) -> None:
    store = Store("sqlite://")
    store.create_all()
    store.load_tau2(world)
    # Another thread must see the same database, not a new empty one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(store.user_ids).result() == ["ada_lovelace_1", "alan_turing_2"]
    store.close()


def test_concurrent_read_modify_write_loses_no_update(store: Store) -> None:
    # Each cart_add reads the line and writes quantity + 1; two stores (as two replicas
    # would) and several threads race on the same line.
    other = Store(store.url)
    stores = [store, other] * 6
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda s: s.cart_add("shared", "2000000001"), stores))
    assert [(c.item_id, c.quantity) for c in store.cart_items("shared")] == [("2000000001", 12)]
    other.close()
