"""Loading and dumping the retail world in the shape of τ²'s `db.json`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, delete, exists, insert, select
from sqlalchemy.orm import Session

from assistant.store.convert import (
    ADDRESS_FIELDS,
    order_columns,
    payment_method_columns,
    user_columns,
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
    ProductDetailsRow,
    ProductRow,
    UserRow,
    VariantRow,
)

# Unset ones are left out of a dump, as in the shipped `db.json`.
OPTIONAL_ORDER_FIELDS = (
    "cancel_reason",
    "exchange_items",
    "exchange_new_items",
    "exchange_payment_method_id",
    "exchange_price_difference",
    "return_items",
    "return_payment_method_id",
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
    ProductDetailsRow,
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
        owner = data.users.get(order.user_id)
        if owner is None:
            problems.append(f"orders.{key}: unknown user {order.user_id!r}")
        elif key not in owner.orders:
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


def _grouped(conn: Connection, *columns: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of `columns` (the first one the grouping key, omitted from the tuples) in the
    order of the grouping key and `position`."""
    key, *rest = columns
    table = key.table
    groups: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    query = select(key, *rest).order_by(key, table.c.position)
    for group, *values in conn.execute(query).tuples():
        groups[group].append(tuple(values))
    return groups


def _payment_method(
    method_id: str, source: str, brand: str | None, last_four: str | None, balance: float | None
) -> dict[str, Any]:
    record: dict[str, Any] = {"source": source, "id": method_id}
    if source == "credit_card":
        record.update(brand=brand, last_four=last_four)
    elif source == "gift_card":
        record["balance"] = balance
    return record


def _address(values: tuple[Any, ...]) -> dict[str, str]:
    return dict(zip(ADDRESS_FIELDS, values, strict=True))


def dump_retail(session: Session) -> dict[str, Any]:
    """The whole retail world as plain data in the shape of τ²'s `db.json`, in load order.

    Built from column tuples rather than ORM objects and pydantic records: the demo world
    has ~10k rows and this runs once per task when τ² tasks are replayed.
    """
    # Core rows on the session's connection: no ORM loading machinery per row.
    conn = session.connection()
    v = VariantRow
    variants = _grouped(conn, v.product_id, v.item_id, v.options, v.available, v.price)
    products = {}
    for product_id, name in conn.execute(
        select(ProductRow.product_id, ProductRow.name).order_by(ProductRow.position)
    ).tuples():
        products[product_id] = {
            "name": name,
            "product_id": product_id,
            "variants": {
                item_id: {
                    "item_id": item_id,
                    "options": options,
                    "available": available,
                    "price": price,
                }
                for item_id, options, available, price in variants[product_id]
            },
        }

    pm = PaymentMethodRow
    methods = _grouped(
        conn, pm.user_id, pm.payment_method_id, pm.source, pm.brand, pm.last_four, pm.balance
    )
    order_ids: dict[str, list[str]] = defaultdict(list)
    for user_id, order_id in conn.execute(
        select(OrderRow.user_id, OrderRow.order_id).order_by(
            OrderRow.user_id, OrderRow.user_position
        )
    ).tuples():
        order_ids[user_id].append(order_id)
    u = UserRow
    users = {}
    for user_id, first, last, email, *address in conn.execute(
        select(u.user_id, u.first_name, u.last_name, u.email, *_address_columns(u)).order_by(
            u.position
        )
    ).tuples():
        users[user_id] = {
            "user_id": user_id,
            "name": {"first_name": first, "last_name": last},
            "address": _address(tuple(address)),
            "email": email,
            "payment_methods": {m[0]: _payment_method(*m) for m in methods[user_id]},
            "orders": order_ids[user_id],
        }

    i, f, p = OrderItemRow, FulfillmentRow, PaymentRow
    items = _grouped(conn, i.order_id, i.name, i.product_id, i.item_id, i.price, i.options)
    fulfillments = _grouped(conn, f.order_id, f.tracking_ids, f.item_ids)
    payments = _grouped(conn, p.order_id, p.transaction_type, p.amount, p.payment_method_id)
    o = OrderRow
    optional_columns = [getattr(o, name) for name in OPTIONAL_ORDER_FIELDS]
    orders = {}
    query = select(
        o.order_id, o.user_id, o.status, *_address_columns(o), *optional_columns
    ).order_by(o.position)
    for order_id, user_id, status, *rest in conn.execute(query).tuples():
        address, optional = rest[: len(ADDRESS_FIELDS)], rest[len(ADDRESS_FIELDS) :]
        record: dict[str, Any] = {
            "order_id": order_id,
            "user_id": user_id,
            "address": _address(tuple(address)),
            "items": [dict(zip(_ITEM_FIELDS, values, strict=True)) for values in items[order_id]],
            "status": status,
            "fulfillments": [
                {"tracking_id": tracking, "item_ids": item_ids}
                for tracking, item_ids in fulfillments[order_id]
            ],
            "payment_history": [
                dict(zip(_PAYMENT_FIELDS, values, strict=True)) for values in payments[order_id]
            ],
        }
        for name, value in zip(OPTIONAL_ORDER_FIELDS, optional, strict=True):
            if value is not None:
                record[name] = value
        orders[order_id] = record
    return {"products": products, "users": users, "orders": orders}


_ITEM_FIELDS = ("name", "product_id", "item_id", "price", "options")
_PAYMENT_FIELDS = ("transaction_type", "amount", "payment_method_id")


def _address_columns(table: type[UserRow] | type[OrderRow]) -> list[Any]:
    return [getattr(table, name) for name in ADDRESS_FIELDS]
