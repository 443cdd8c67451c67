"""`generate(seed)`: the whole Bean & Leaf store, the same for the same seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from assistant.demo.beanleaf.catalog import CatalogEntry, build_catalog
from assistant.demo.beanleaf.orders import order_history
from assistant.demo.beanleaf.people import customers
from assistant.demo.beanleaf.preferences import Preferences, draw_preferences
from assistant.store.models import Order, User
from retrieval.catalog import Product

CUSTOMERS = 150


@dataclass(frozen=True)
class BeanleafStore:
    """The generated shop: catalog, customers, orders and the preferences behind them."""

    seed: int
    entries: list[CatalogEntry]
    users: list[User]
    orders: list[Order]
    preferences: dict[str, Preferences]

    @property
    def products(self) -> list[Product]:
        """The catalog records, in catalog order."""
        return [e.product for e in self.entries]

    def retail_db(self) -> dict[str, Any]:
        """Products, users and orders in the shape of τ²'s `db.json` (what the store loads)."""
        return {
            "products": {p.product_id: retail_product(p) for p in self.products},
            "users": {u.user_id: u.model_dump(mode="json") for u in self.users},
            "orders": {
                o.order_id: o.model_dump(mode="json", exclude_none=True) for o in self.orders
            },
        }


def retail_product(product: Product) -> dict[str, Any]:
    """A catalog record in τ²'s product shape: name, id and variants by item id."""
    return {
        "name": product.name,
        "product_id": product.product_id,
        "variants": {
            v.item_id: {
                "item_id": v.item_id,
                "options": dict(v.options),
                "available": v.available,
                "price": v.price,
            }
            for v in product.variants
        },
    }


def generate(seed: int = 0) -> BeanleafStore:
    """Generate the store; every random choice comes from one `random.Random(seed)`.

    Args:
        seed: Any integer; the same seed gives the same store, field for field.
    """
    rng = random.Random(seed)
    entries = build_catalog(rng)
    people = customers(rng, CUSTOMERS)
    preferences = {u.user_id: draw_preferences(rng, entries) for u in people}
    users, orders = order_history(rng, entries, people, preferences)
    return BeanleafStore(
        seed=seed, entries=entries, users=users, orders=orders, preferences=preferences
    )
