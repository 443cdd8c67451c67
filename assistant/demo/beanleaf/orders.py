"""Bean & Leaf's order history, drawn from each customer's planted preferences.

Orders are placed over time; ids grow with time and the newest orders are the ones still
pending or being processed. Statuses, shipments, payments, refunds, returns and exchanges
take the shape the customer-service tools give them (τ²-bench retail semantics).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.demo.beanleaf.baskets import Line, Picker, basket
from assistant.demo.beanleaf.catalog import CatalogEntry
from assistant.demo.beanleaf.preferences import Preferences, weighted
from assistant.store.models import (
    GiftCard,
    Order,
    OrderFulfillment,
    OrderItem,
    OrderPayment,
    OrderStatus,
    User,
)
from retrieval.catalog import Variant

ORDER_COUNTS = {1: 0.2, 2: 0.3, 3: 0.25, 4: 0.15, 5: 0.07, 6: 0.03}
ORDERS = 400
FIRST_ORDER_NUMBER = 100101


@dataclass
class _Draft:
    user: User
    prefs: Preferences
    time: float
    lines: list[Line]
    order_id: str = ""
    status: OrderStatus = "pending"


def _status(rng: random.Random, age: float) -> OrderStatus:
    """A status for an order placed at `age` (0 oldest, 1 newest)."""
    if age > 0.85:
        return weighted(rng, {"pending": 0.6, "processed": 0.3, "cancelled": 0.1})
    if age > 0.7:
        table: dict[OrderStatus, float] = {
            "processed": 0.35,
            "delivered": 0.5,
            "pending": 0.05,
            "cancelled": 0.1,
        }
        return weighted(rng, table)
    return weighted(
        rng,
        {
            "delivered": 0.78,
            "cancelled": 0.08,
            "return requested": 0.07,
            "exchange requested": 0.07,
        },
    )


class _Tracking:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self.seen = rng, set[str]()

    def new(self) -> str:
        while True:
            tracking = f"BLT-{self.rng.randint(10_000_000, 99_999_999)}"
            if tracking not in self.seen:
                self.seen.add(tracking)
                return tracking


def _payment_method(rng: random.Random, user: User, total: float) -> str:
    usable = [
        m.id
        for m in user.payment_methods.values()
        if not isinstance(m, GiftCard) or m.balance >= total
    ]
    return rng.choice(usable or list(user.payment_methods))


def _exchange(
    rng: random.Random, draft: _Draft, items: list[OrderItem]
) -> dict[str, object] | None:
    """Exchange fields for 1-2 items that have another variant in stock, or None."""
    swaps: list[tuple[str, Variant]] = []
    for line in {line.variant.item_id: line for line in draft.lines}.values():
        alternatives = [
            v
            for v in line.entry.product.variants
            if v.item_id != line.variant.item_id and v.available
        ]
        close = [
            v
            for v in alternatives
            if sum(v.options[k] != line.variant.options[k] for k in v.options) == 1
        ]
        if alternatives:
            swaps.append((line.variant.item_id, rng.choice(close or alternatives)))
    if not swaps:
        return None
    swaps = rng.sample(swaps, k=min(len(swaps), rng.choice((1, 1, 2))))
    price = {i.item_id: i.price for i in items}
    difference = round(sum(new.price - price[old] for old, new in swaps), 2)
    return {
        "exchange_items": sorted(old for old, _ in swaps),
        "exchange_new_items": sorted(new.item_id for _, new in swaps),
        "exchange_price_difference": difference,
    }


def _order(rng: random.Random, draft: _Draft, tracking: _Tracking) -> Order:
    items = [
        OrderItem(
            name=line.entry.product.name,
            product_id=line.entry.product.product_id,
            item_id=line.variant.item_id,
            price=line.variant.price,
            options=dict(line.variant.options),
        )
        for line in draft.lines
    ]
    total = round(sum(i.price for i in items), 2)
    method = _payment_method(rng, draft.user, total)
    payments = [OrderPayment(transaction_type="payment", amount=total, payment_method_id=method)]
    status = draft.status
    extra: dict[str, object] = {}
    if status == "exchange requested":
        exchange = _exchange(rng, draft, items)
        if exchange is None:
            status = "delivered"
        else:
            extra = exchange | {
                "exchange_payment_method_id": rng.choice(list(draft.user.payment_methods))
            }
    if status == "return requested":
        durable = sorted(
            {
                i.item_id
                for i, line in zip(items, draft.lines, strict=True)
                if not line.entry.spec.consumable
            }
        )
        pool = durable or sorted({i.item_id for i in items})
        gift_cards = [m.id for m in draft.user.payment_methods.values() if m.source == "gift_card"]
        extra = {
            "return_items": sorted(rng.sample(pool, k=rng.randint(1, len(pool)))),
            "return_payment_method_id": (
                rng.choice(gift_cards) if gift_cards and rng.random() < 0.3 else method
            ),
        }
    if status == "cancelled":
        payments.append(
            OrderPayment(transaction_type="refund", amount=total, payment_method_id=method)
        )
        extra = {"cancel_reason": rng.choice(("no longer needed", "ordered by mistake"))}
    fulfillments = []
    if status not in ("pending", "cancelled"):
        shipped = [i.item_id for i in items]
        if len(shipped) >= 3 and rng.random() < 0.3:  # a big order may leave in two packages
            cut = rng.randint(1, len(shipped) - 1)
            parts = [shipped[:cut], shipped[cut:]]
        else:
            parts = [shipped]
        fulfillments = [OrderFulfillment(tracking_id=[tracking.new()], item_ids=p) for p in parts]
    record: dict[str, object] = {
        "order_id": draft.order_id,
        "user_id": draft.user.user_id,
        "address": draft.user.address,
        "items": items,
        "status": status,
        "fulfillments": fulfillments,
        "payment_history": payments,
    }
    return Order.model_validate(record | extra)


def order_counts(rng: random.Random, customers: int, total: int) -> list[int]:
    """How many orders each customer placed: drawn from `ORDER_COUNTS`, then nudged one at
    a time (never below 1 or above the largest count) until they add up to `total`."""
    most = max(ORDER_COUNTS)
    if not customers <= total <= customers * most:
        raise ValueError(f"{total} orders cannot be spread over {customers} customers")
    counts = [weighted(rng, ORDER_COUNTS) for _ in range(customers)]
    while sum(counts) != total:
        step = 1 if sum(counts) < total else -1
        i = rng.randrange(customers)
        if 1 <= counts[i] + step <= most:
            counts[i] += step
    return counts


def order_history(
    rng: random.Random,
    catalog: Sequence[CatalogEntry],
    users: Sequence[User],
    preferences: dict[str, Preferences],
    total: int = ORDERS,
) -> tuple[list[User], list[Order]]:
    """Every customer's orders (`total` in all), in the order they were placed.

    Returns the customers with their `orders` lists filled and the orders, oldest first.
    """
    picker = Picker(rng, catalog)
    drafts: list[_Draft] = []
    for user, count in zip(users, order_counts(rng, len(users), total), strict=True):
        prefs = preferences[user.user_id]
        owned: set[str] = set()
        times = sorted(rng.random() for _ in range(count))
        drafts += [_Draft(user, prefs, t, basket(picker, prefs, owned)) for t in times]
    drafts.sort(key=lambda d: d.time)
    number = FIRST_ORDER_NUMBER
    tracking = _Tracking(rng)
    orders = []
    for rank, draft in enumerate(drafts):
        draft.order_id = f"#BL{number}"
        number += rng.randint(1, 9)
        draft.status = _status(rng, rank / max(len(drafts) - 1, 1))
        orders.append(_order(rng, draft, tracking))
    by_user: dict[str, list[str]] = {u.user_id: [] for u in users}
    for order in orders:
        by_user[order.user_id].append(order.order_id)
    return [u.model_copy(update={"orders": by_user[u.user_id]}) for u in users], orders
