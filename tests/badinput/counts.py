"""What the store and search hold, counted before and after each bad input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text


@dataclass(frozen=True)
class Counts:
    """Products (SQL store and search index), help pages and their passages, users, orders."""

    products: int
    indexed: int
    pages: int
    passages: int
    users: int
    orders: int

    def __str__(self) -> str:
        return (
            f"products {self.products}/{self.indexed} pages {self.pages}/{self.passages} "
            f"users {self.users} orders {self.orders}"
        )


def counts(services: Any) -> Counts:
    """Count what `services` stores, reading the SQL tables and both indexes themselves."""
    catalog, faq = services.indexes
    with services.store.engine.connect() as conn:
        users = conn.execute(text("SELECT COUNT(*) FROM users")).scalar_one()
        orders = conn.execute(text("SELECT COUNT(*) FROM orders")).scalar_one()
    return Counts(
        products=len(services.store.product_ids()),
        indexed=len(catalog.product_ids()),
        pages=len(faq.sources()),
        passages=faq.count(),
        users=int(users),
        orders=int(orders),
    )


def assert_nothing_lost(before: Counts, after: Counts) -> None:
    """Nothing stored before is missing after (a partly good file may add products)."""
    assert after.products >= before.products and after.indexed >= before.indexed, (before, after)
    assert after.pages >= before.pages and after.passages >= before.passages, (before, after)
    assert (after.users, after.orders) == (before.users, before.orders), (before, after)
