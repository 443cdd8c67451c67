"""The store's side of a customer or order import: users and orders upserted (or synced), so an
imported shopper can sign in and act on an imported order like any other."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.store.convert import (
    payment_method_columns,
    set_address,
    user_columns,
)
from assistant.store.errors import StoreError
from assistant.store.models import Order, PaymentMethod, User
from assistant.store.schema import (
    FulfillmentRow,
    OrderItemRow,
    OrderRow,
    PaymentMethodRow,
    PaymentRow,
    UserRow,
)

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` while records are written."""


@dataclass(frozen=True)
class RecordChange:
    """What an upsert did to the store's users or orders."""

    added: int
    updated: int
    removed: int


class PeopleSync:
    """Customer- and order-import methods of `Store` (mixed in; uses its transaction)."""

    def transaction(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def user_ids_by_email(self, emails: Iterable[str]) -> dict[str, str]:
        """The stored user id of each of `emails` that has one, keyed by lower-cased email."""
        keys = sorted({e.lower() for e in emails})
        found: dict[str, str] = {}
        with self.transaction() as s:
            for start in range(0, len(keys), 500):  # bounded IN lists
                rows = s.execute(
                    select(UserRow.email_key, UserRow.user_id)
                    .where(UserRow.email_key.in_(keys[start : start + 500]))
                    .order_by(UserRow.position)
                )
                for key, user_id in rows:
                    found.setdefault(key, user_id)
        return found

    def order_ids(self) -> list[str]:
        """Every order id in the store, in load order."""
        with self.transaction() as s:
            return list(s.scalars(select(OrderRow.order_id).order_by(OrderRow.position)))

    def orders_of_users(self, user_ids: Iterable[str]) -> list[str]:
        """The ids of the orders of `user_ids`."""
        wanted = list(user_ids)
        with self.transaction() as s:
            return [
                order_id
                for start in range(0, len(wanted), 500)
                for order_id in s.scalars(
                    select(OrderRow.order_id).where(
                        OrderRow.user_id.in_(wanted[start : start + 500])
                    )
                )
            ]

    def upsert_users(
        self,
        users: Sequence[User],
        *,
        remove: Iterable[str] = (),
        progress: Progress | None = None,
    ) -> RecordChange:
        """Add or update users, and delete the users in `remove` with their orders, in one
        transaction (nothing changes if any of it fails).

        An updated user keeps their position and the payment methods already stored (orders
        refer to them); the user's payment methods not stored yet are added. `User.orders` is
        not read: a user's orders are the orders naming them.
        """
        added = updated = 0
        with self.transaction() as s:
            position = s.scalar(select(func.max(UserRow.position))) or 0
            for done, user in enumerate(users, start=1):
                row = s.get(UserRow, user.user_id)
                columns = user_columns(user)
                if row is None:
                    position += 1
                    row = UserRow(**columns, position=position)
                    s.add(row)
                    added += 1
                else:
                    for name, value in columns.items():
                        setattr(row, name, value)
                    updated += 1
                _add_payment_methods(s, row, user.payment_methods.values())
                if progress is not None:
                    progress(done, len(users))
            s.flush()
            removed = 0
            for user_id in remove:
                gone = s.get(UserRow, user_id)
                if gone is None:
                    continue
                for order in s.scalars(select(OrderRow).where(OrderRow.user_id == user_id)):
                    s.delete(order)
                s.flush()
                s.delete(gone)
                removed += 1
        return RecordChange(added=added, updated=updated, removed=removed)

    def upsert_orders(
        self,
        orders: Sequence[Order],
        *,
        remove: Iterable[str] = (),
        progress: Progress | None = None,
    ) -> RecordChange:
        """Add or replace orders with their items, fulfillments and payments, and delete the
        orders in `remove`, in one transaction (nothing changes if any of it fails).

        Every order's user must be stored and every payment it names must be one of that
        user's payment methods (`StoreError` otherwise). A replaced order keeps its place
        in the store and in its user's order list.
        """
        added = updated = 0
        with self.transaction() as s:
            _check_owners(s, orders)
            position = s.scalar(select(func.max(OrderRow.position))) or 0
            next_place: dict[str, int] = {}
            """The next free place in each user's order list."""
            for done, order in enumerate(orders, start=1):
                row = s.get(OrderRow, order.order_id)
                fresh = row is None
                if row is None or row.user_id != order.user_id:
                    # New to this user (or moved to them): last in their order list.
                    if order.user_id not in next_place:
                        last = s.scalar(
                            select(func.max(OrderRow.user_position)).where(
                                OrderRow.user_id == order.user_id
                            )
                        )
                        next_place[order.user_id] = 0 if last is None else last + 1
                    if row is None:
                        position += 1
                        row = OrderRow(order_id=order.order_id, position=position)
                        s.add(row)
                        added += 1
                    else:
                        updated += 1
                    row.user_id = order.user_id
                    row.user_position = next_place[order.user_id]
                    next_place[order.user_id] += 1
                else:
                    updated += 1
                _set_order(s, row, order, fresh)
                if progress is not None:
                    progress(done, len(orders))
            removed = 0
            for order_id in remove:
                gone = s.get(OrderRow, order_id)
                if gone is not None:
                    s.delete(gone)
                    removed += 1
        return RecordChange(added=added, updated=updated, removed=removed)


def _add_payment_methods(s: Session, row: UserRow, methods: Iterable[PaymentMethod]) -> None:
    """Store the payment methods of `row`'s user that are not stored yet, after the others."""
    kept = {m.payment_method_id for m in row.payment_methods}
    for method in methods:
        if method.id in kept:
            continue
        kept.add(method.id)
        row.payment_methods.append(
            PaymentMethodRow(**payment_method_columns(method), position=len(row.payment_methods))
        )


def _check_owners(s: Session, orders: Sequence[Order]) -> None:
    """Every order names a stored user, and pays with that user's payment methods."""
    for order in orders:
        user = s.get(UserRow, order.user_id)
        if user is None:
            raise StoreError(f"order {order.order_id}: user {order.user_id} is not in the store")
        methods = {m.payment_method_id for m in user.payment_methods}
        for payment in order.payment_history:
            if payment.payment_method_id not in methods:
                raise StoreError(
                    f"order {order.order_id}: payment method {payment.payment_method_id} is "
                    f"not one of user {order.user_id}'s"
                )


def _set_order(s: Session, row: OrderRow, order: Order, fresh: bool) -> None:
    """Make `row` exactly `order`: status, address, items, fulfillments and payments
    (`fresh`: a row just added, with no children to replace)."""
    set_address(row, order.address)
    row.status = order.status
    row.cancel_reason = order.cancel_reason
    row.exchange_items = order.exchange_items
    row.exchange_new_items = order.exchange_new_items
    row.exchange_payment_method_id = order.exchange_payment_method_id
    row.exchange_price_difference = order.exchange_price_difference
    row.return_items = order.return_items
    row.return_payment_method_id = order.return_payment_method_id
    if not fresh:
        # The old children go first: new ones reuse their keys (order id, position).
        row.items, row.fulfillments, row.payments = [], [], []
        s.flush()
    row.items = [
        OrderItemRow(position=n, **item.model_dump()) for n, item in enumerate(order.items)
    ]
    row.fulfillments = [
        FulfillmentRow(position=n, tracking_ids=list(f.tracking_id), item_ids=list(f.item_ids))
        for n, f in enumerate(order.fulfillments)
    ]
    row.payments = [
        PaymentRow(position=n, **p.model_dump()) for n, p in enumerate(order.payment_history)
    ]
