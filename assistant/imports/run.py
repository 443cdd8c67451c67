"""Customer and order files into the store, upsert by default, one transaction per file.

Customers are matched by email: a stored customer with the file's email is updated (and keeps
their user id), a new one gets an id derived from the email alone, so the same export
imported again, or with a changed name, names the same user. An order names its customer by
email too; a customer not stored yet is created from the order's shipping name and address
(a guest checkout). Line items resolve to catalog variants by SKU (or, without one, by the
`Product - Option / Option` name Shopify writes); an unknown one rejects its order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from assistant.imports.customers import CustomerEntry, read_customers
from assistant.imports.orders import LineEntry, OrderEntry, read_orders
from assistant.imports.report import RecordReport
from assistant.store.errors import StoreError
from assistant.store.models import (
    CreditCard,
    GiftCard,
    Order,
    OrderFulfillment,
    OrderItem,
    OrderPayment,
    PaymentMethod,
    Paypal,
    User,
    UserName,
)
from assistant.store.people_sync import RecordChange
from assistant.store.store import Store

R = TypeVar("R", bound=RecordReport[Any])
Progress = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)` while records are written."""


class PeopleImportError(ValueError):
    """The file cannot be imported; nothing was changed."""


@dataclass
class PeopleImport:
    """What a customer or order import read and did."""

    report: RecordReport[CustomerEntry] | RecordReport[OrderEntry]
    change: RecordChange
    customers_added: int = 0
    """Customers an order import created for orders of emails not stored yet."""
    removed_orders: list[str] = field(default_factory=list)
    """Orders a customer sync removed with their customers."""


def _digits(text: str, count: int) -> str:
    number = int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16)
    return str(number % 10**count).zfill(count)


def user_id_for(email: str) -> str:
    """The user id of a new customer: their email's name part and 6 digits of its hash
    (`jane.doe@example.com` → `jane_doe_NNNNNN`), the same for every import of that email."""
    key = email.strip().lower()
    local = re.sub(r"[^a-z0-9]+", "_", key.partition("@")[0]).strip("_")[:40] or "customer"
    return f"{local}_{_digits(key, 6)}"


def _new_user_id(email: str, store: Store) -> str:
    """`user_id_for(email)`, or a longer digest in the rare case another email has it."""
    user_id = user_id_for(email)
    stored = store.user(user_id)
    if stored is None or stored.email.lower() == email.strip().lower():
        return user_id
    return f"{user_id.rsplit('_', 1)[0]}_{_digits(email.strip().lower(), 12)}"


def payment_method_for(user: User, gateway: str) -> PaymentMethod:
    """The user's payment method an order paid by `gateway` (Shopify's payment method name)
    names: their first stored one of its kind, or a new one with an id derived from both."""
    low = gateway.lower()
    source = "paypal" if "paypal" in low else "gift_card" if "gift" in low else "credit_card"
    for method in user.payment_methods.values():
        if method.source == source:
            return method
    method_id = f"{source}_{_digits(user.user_id + '|' + source, 7)}"
    if source == "paypal":
        return Paypal(source="paypal", id=method_id)
    if source == "gift_card":
        return GiftCard(source="gift_card", id=method_id, balance=0.0)
    return CreditCard(source="credit_card", id=method_id, brand=gateway or "card", last_four="")


def _removal(sync: bool, report: RecordReport[Any], what: str) -> None:
    if sync and report.unattributed:
        raise PeopleImportError(
            f"{report.unattributed} rejected row(s) name no {what}, so what the file lacks "
            "cannot be told; fix them or import without sync"
        )


def _read(reader: Callable[[Path], R], path: Path, what: str) -> R:
    try:
        report = reader(path)
    except (ValueError, FileNotFoundError) as err:
        raise PeopleImportError(str(err)) from err
    if not report.records:
        raise PeopleImportError(
            f"{path} has no {what} that could be read: {report.first_errors(path)}"
        )
    return report


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


def import_customers(
    store: Store,
    path: Path,
    *,
    sync: bool = False,
    confirm_removal: Callable[[int], bool] = lambda count: True,
    progress: Progress | None = None,
) -> PeopleImport:
    """Import a customer file (Shopify customer CSV, or our CSV, JSON, JSONL) into the store.

    Args:
        store: The store.
        path: The file.
        sync: Remove stored customers the file lacks, with their orders.
        confirm_removal: Asked with the number of customers a sync would remove; False stops
            the import before anything changes.
        progress: Called as `progress(stage, done, total)` while customers are written.

    Raises:
        PeopleImportError: The file is unreadable, has no good customer, the store refuses
            it, or the removal was not confirmed; nothing changed.
    """
    report = _read(read_customers, path, "customer")
    _removal(sync, report, "customer")
    entries = report.records
    known = store.user_ids_by_email(
        [e.email for e in entries] + sorted(k for k in report.incomplete if "@" in k)
    )
    users = [_user_of(entry, known.get(entry.key), store) for entry in entries]
    remove: list[str] = []
    if sync:
        keep = {u.user_id for u in users} | {known[k] for k in report.incomplete if k in known}
        remove = [u for u in store.user_ids() if u not in keep]
    if remove and not confirm_removal(len(remove)):
        raise PeopleImportError("the removal was not confirmed")
    removed_orders = store.orders_of_users(remove) if remove else []
    try:
        change = store.upsert_users(users, remove=remove, progress=_stage(progress, "customers"))
    except StoreError as err:
        raise PeopleImportError(str(err)) from err
    return PeopleImport(report=report, change=change, removed_orders=removed_orders)


def _user_of(entry: CustomerEntry, user_id: str | None, store: Store) -> User:
    """The stored user `entry` updates (their id kept), or a new one with an id of the email."""
    stored = store.user(user_id) if user_id else None
    methods = dict(stored.payment_methods) if stored else {}
    methods.update({m.id: m for m in entry.payment_methods})
    return _user(stored.user_id if stored else _new_user_id(entry.email, store), entry, methods)


def _user(
    user_id: str, entry: CustomerEntry | OrderEntry, methods: dict[str, PaymentMethod]
) -> User:
    """The user `entry` names (a customer row, or an order's buyer and shipping address)."""
    return User(
        user_id=user_id,
        name=UserName(first_name=entry.first_name, last_name=entry.last_name),
        address=entry.address,
        email=entry.email,
        payment_methods=methods,
        orders=[],
    )


def import_orders(
    store: Store,
    path: Path,
    *,
    sync: bool = False,
    confirm_removal: Callable[[int], bool] = lambda count: True,
    progress: Progress | None = None,
) -> PeopleImport:
    """Import an order file (Shopify order CSV, or our CSV, JSON, JSONL) into the store.

    The customers the orders name are created or given the payment methods the orders used,
    in the same transaction as the orders.

    Args:
        store: The store.
        path: The file.
        sync: Remove stored orders the file lacks.
        confirm_removal: Asked with the number of orders a sync would remove; False stops
            the import before anything changes.
        progress: Called as `progress(stage, done, total)` while orders are written.

    Raises:
        PeopleImportError: The file is unreadable, has no good order, the store refuses it,
            or the removal was not confirmed; nothing changed.
    """
    report = _read(read_orders, path, "order")
    _removal(sync, report, "order")
    entries = report.records
    found: dict[str, OrderItem | str] = {}
    resolved = [
        (entry, items) for entry in entries if (items := _items(entry, store, report, found))
    ]
    report.records = [entry for entry, _ in resolved]
    report.errors.sort()
    if not resolved:
        raise PeopleImportError(f"{path} has no order whose items are in the catalog")
    known = store.user_ids_by_email(e.email for e, _ in resolved)
    users: dict[str, User] = {}
    created = 0
    orders = []
    for entry, items in resolved:
        user_id = known.get(entry.email.lower()) or _new_user_id(entry.email, store)
        if user_id not in users:
            stored = store.user(user_id)
            if stored is None:
                created += 1
                stored = _user(user_id, entry, {})
            users[user_id] = stored
        user = users[user_id]
        method = (
            entry.payment
            if not isinstance(entry.payment, str)
            else payment_method_for(user, entry.payment)
        )
        user.payment_methods.setdefault(method.id, method)
        orders.append(_order_of(entry, user_id, items, method.id))
    remove: list[str] = []
    if sync:
        keep = {o.order_id for o in orders} | report.incomplete
        remove = [o for o in store.order_ids() if o not in keep]
    if remove and not confirm_removal(len(remove)):
        raise PeopleImportError("the removal was not confirmed")
    try:
        with store.transaction():
            store.upsert_users(list(users.values()))
            change = store.upsert_orders(orders, remove=remove, progress=_stage(progress, "orders"))
    except StoreError as err:
        raise PeopleImportError(str(err)) from err
    return PeopleImport(report=report, change=change, customers_added=created)


def _items(
    entry: OrderEntry,
    store: Store,
    report: RecordReport[OrderEntry],
    seen: dict[str, OrderItem | str],
) -> list[OrderItem]:
    """The order's items as catalog variants, one per unit; [] when a line names no variant
    (reported on its line, and the order is left out). `seen` keeps each SKU's or name's
    variant (or why none) across the file: a store look-up per distinct line, not per line."""
    items: list[OrderItem] = []
    for line in entry.lines:
        key = f"sku:{line.sku}" if line.sku else f"name:{line.name.lower()}"
        if key not in seen:
            seen[key] = _variant_of(line, store)
        found = seen[key]
        if not isinstance(found, str) and line.price is not None:
            found = found.model_copy(update={"price": line.price})
        if isinstance(found, str):
            report.error(line.line, f"order {entry.order_id}: {found}", entry.order_id)
            return []
        items += [found] * line.quantity
    return items


def _variant_of(line: LineEntry, store: Store) -> OrderItem | str:
    """The ordered item a line names, or why none."""
    if line.sku:
        product = store.product_for_item(line.sku)
        if product is None:
            return f"unknown SKU {line.sku!r}: no variant of the catalog has it"
        variant = product.variants[line.sku]
    else:
        title, _, options = line.name.partition(" - ")
        wanted = [o.strip().lower() for o in options.split("/") if o.strip()]
        matches = [
            (product, variant)
            for product in store.products_named(title)
            for variant in product.variants.values()
            if [v.lower() for v in variant.options.values()] == wanted
        ]
        if len(matches) != 1:
            many = "more than one variant" if matches else "no variant"
            return f"line item {line.name!r} has no SKU and names {many} of the catalog"
        product, variant = matches[0]
    return OrderItem(
        name=product.name,
        product_id=product.product_id,
        item_id=variant.item_id,
        price=variant.price,
        options=dict(variant.options),
    )


def _order_of(entry: OrderEntry, user_id: str, items: list[OrderItem], method_id: str) -> Order:
    """The store's order for a file's order: a payment of its total (and its refund when
    cancelled), and one fulfillment of every item once shipped."""
    total = entry.total if entry.total is not None else round(sum(i.price for i in items), 2)
    payments = [OrderPayment(transaction_type="payment", amount=total, payment_method_id=method_id)]
    if entry.status == "cancelled":
        payments.append(
            OrderPayment(transaction_type="refund", amount=total, payment_method_id=method_id)
        )
    shipped = entry.status not in ("pending", "pending (item modified)", "cancelled")
    fulfillments = (
        [OrderFulfillment(tracking_id=entry.tracking_ids, item_ids=[i.item_id for i in items])]
        if shipped
        else []
    )
    return Order(
        order_id=entry.order_id,
        user_id=user_id,
        address=entry.address,
        items=items,
        status=entry.status,
        fulfillments=fulfillments,
        payment_history=payments,
    )
