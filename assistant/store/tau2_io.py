"""Loading and dumping the retail world in the shape of τ²'s `db.json`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, exists, insert, select
from sqlalchemy.orm import Session

from assistant.store.convert import (
    order_columns,
    order_of,
    payment_method_columns,
    product_of,
    user_columns,
    user_of,
)
from assistant.store.errors import StoreError
from assistant.store.models import RetailData
from assistant.store.schema import (
    CartItemRow,
    FulfillmentRow,
    OrderItemRow,
    OrderRow,
    PaymentMethodRow,
    PaymentRow,
    ProductRow,
    UserRow,
    VariantRow,
)

# Children first, so no foreign key is ever left dangling mid-delete.
_RETAIL_TABLES = (
    PaymentRow,
    FulfillmentRow,
    OrderItemRow,
    OrderRow,
    PaymentMethodRow,
    UserRow,
    VariantRow,
    ProductRow,
)


def validate_retail(db: dict[str, Any]) -> RetailData:
    """Parse and cross-check a τ² retail database; raises `StoreError` saying what is wrong.

    Beyond the field types this checks that dictionary keys equal the ids inside the records,
    item ids are unique store-wide, every order belongs to an existing user and every user's
    `orders` list names exactly that user's orders, once each.
    """
    try:
        data = RetailData.model_validate(db)
    except ValidationError as err:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()[:5]
        )
        more = f" (and {err.error_count() - 5} more)" if err.error_count() > 5 else ""
        raise StoreError(f"invalid retail data: {details}{more}") from err

    problems: list[str] = []
    item_owner: dict[str, str] = {}
    for key, product in data.products.items():
        if key != product.product_id:
            problems.append(f"products.{key}: product_id is {product.product_id!r}")
        for item_key, variant in product.variants.items():
            if item_key != variant.item_id:
                problems.append(f"products.{key}.variants.{item_key}: item_id differs")
            if variant.item_id in item_owner:
                problems.append(
                    f"products.{key}.variants.{item_key}: item id also used by product "
                    f"{item_owner[variant.item_id]}"
                )
            item_owner[variant.item_id] = key
    for key, user in data.users.items():
        if key != user.user_id:
            problems.append(f"users.{key}: user_id is {user.user_id!r}")
        for pm_key, method in user.payment_methods.items():
            if pm_key != method.id:
                problems.append(f"users.{key}.payment_methods.{pm_key}: id is {method.id!r}")
        for order_id in user.orders:
            order = data.orders.get(order_id)
            if order is None:
                problems.append(f"users.{key}.orders: unknown order {order_id!r}")
            elif order.user_id != key:
                problems.append(f"users.{key}.orders: {order_id} belongs to {order.user_id}")
        if len(set(user.orders)) != len(user.orders):
            problems.append(f"users.{key}.orders: an order is listed twice")
    for key, order in data.orders.items():
        if key != order.order_id:
            problems.append(f"orders.{key}: order_id is {order.order_id!r}")
        user = data.users.get(order.user_id)
        if user is None:
            problems.append(f"orders.{key}: unknown user {order.user_id!r}")
        elif key not in user.orders:
            problems.append(f"orders.{key}: not listed in users.{order.user_id}.orders")
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise StoreError(f"invalid retail data: {'; '.join(problems[:5])}{more}")
    return data


def load_retail(session: Session, data: RetailData) -> None:
    """Replace products, users and orders with `data` (already validated)."""
    for table in _RETAIL_TABLES:
        session.execute(delete(table))

    products, variants = [], []
    for p_pos, product in enumerate(data.products.values()):
        products.append({"product_id": product.product_id, "name": product.name, "position": p_pos})
        for v_pos, v in enumerate(product.variants.values()):
            variants.append(
                {
                    "item_id": v.item_id,
                    "product_id": product.product_id,
                    "options": v.options,
                    "available": v.available,
                    "price": v.price,
                    "position": v_pos,
                }
            )
    users, methods = [], []
    user_position: dict[str, int] = {}
    for u_pos, user in enumerate(data.users.values()):
        users.append({**user_columns(user), "position": u_pos})
        for m_pos, method in enumerate(user.payment_methods.values()):
            methods.append(
                {**payment_method_columns(method), "user_id": user.user_id, "position": m_pos}
            )
        user_position.update({order_id: i for i, order_id in enumerate(user.orders)})
    orders, items, fulfillments, payments = [], [], [], []
    for o_pos, order in enumerate(data.orders.values()):
        orders.append(
            {
                **order_columns(order),
                "position": o_pos,
                "user_position": user_position[order.order_id],
            }
        )
        oid = order.order_id
        items += [
            {**i.model_dump(), "order_id": oid, "position": n} for n, i in enumerate(order.items)
        ]
        fulfillments += [
            {"order_id": oid, "position": n, "tracking_ids": f.tracking_id, "item_ids": f.item_ids}
            for n, f in enumerate(order.fulfillments)
        ]
        payments += [
            {**p.model_dump(), "order_id": oid, "position": n}
            for n, p in enumerate(order.payment_history)
        ]

    for table, rows in (
        (ProductRow, products),
        (VariantRow, variants),
        (UserRow, users),
        (PaymentMethodRow, methods),
        (OrderRow, orders),
        (OrderItemRow, items),
        (FulfillmentRow, fulfillments),
        (PaymentRow, payments),
    ):
        if rows:
            session.execute(insert(table), rows)

    # Carts survive a reload; only lines whose item left the catalog go.
    session.execute(
        delete(CartItemRow).where(~exists().where(VariantRow.item_id == CartItemRow.item_id))
    )
    session.expire_all()


def order_ids_by_user(session: Session) -> dict[str, list[str]]:
    """Every user's order ids, in the order of the user's `orders` list."""
    by_user: dict[str, list[str]] = defaultdict(list)
    rows = session.execute(
        select(OrderRow.user_id, OrderRow.order_id).order_by(
            OrderRow.user_id, OrderRow.user_position
        )
    )
    for user_id, order_id in rows:
        by_user[user_id].append(order_id)
    return by_user


def dump_retail(session: Session) -> RetailData:
    """The whole retail world as typed records, in load order."""
    products = session.scalars(select(ProductRow).order_by(ProductRow.position)).all()
    users = session.scalars(select(UserRow).order_by(UserRow.position)).all()
    orders = session.scalars(select(OrderRow).order_by(OrderRow.position)).all()
    by_user = order_ids_by_user(session)
    return RetailData(
        products={p.product_id: product_of(p) for p in products},
        users={u.user_id: user_of(u, by_user.get(u.user_id, [])) for u in users},
        orders={o.order_id: order_of(o) for o in orders},
    )
