"""Reading an order file: Shopify's order CSV export, or our own CSV, JSON or JSON Lines.

Shopify's export has one row per line item; the first row of an order (its `Name`, such as
`#1001`) carries the order's fields (`Email`, `Financial Status`, `Fulfillment Status`,
`Shipping ...`, `Payment Method`, `Total`), the next rows of the same `Name` add line items
(`Lineitem quantity`, `Lineitem name`, `Lineitem price`, `Lineitem sku`). Our CSV has the
same layout in our field names; a JSON record is one order with an `items` list.

Line items name catalog variants by SKU (the catalog import keeps Shopify's `Variant SKU` as
the item id); resolving them against the catalog is the import's part (`run`), which reports
an unknown SKU on its line like any other bad row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast, get_args

from pydantic import TypeAdapter, ValidationError

from assistant.imports.customers import zip_code
from assistant.imports.report import RecordReport
from assistant.imports.tables import Table, cell, is_email, read_table
from assistant.store.models import OrderStatus, PaymentMethod, UserAddress
from retrieval.importers.amounts import amount
from retrieval.importers.report import validation_reason

#: Our field → Shopify's order export columns (shipping address first, billing if empty).
SHOPIFY_COLUMNS: dict[str, tuple[str, ...]] = {
    "order_id": ("Name",),
    "email": ("Email",),
    "financial_status": ("Financial Status",),
    "fulfillment_status": ("Fulfillment Status",),
    "cancelled_at": ("Cancelled at",),
    "created_at": ("Created at",),
    "total": ("Total",),
    "name": ("Shipping Name", "Billing Name"),
    "address1": ("Shipping Address1", "Billing Address1"),
    "address2": ("Shipping Address2", "Billing Address2"),
    "city": ("Shipping City", "Billing City"),
    "state": ("Shipping Province", "Billing Province"),
    "country": ("Shipping Country", "Billing Country"),
    "zip": ("Shipping Zip", "Billing Zip"),
    "payment_method": ("Payment Method",),
    "sku": ("Lineitem sku",),
    "item_name": ("Lineitem name",),
    "quantity": ("Lineitem quantity",),
    "price": ("Lineitem price",),
}
ADDRESS_FIELDS = ("address1", "address2", "city", "state", "country", "zip")
STATUSES: frozenset[str] = frozenset(get_args(OrderStatus))

PAID = frozenset({"", "pending", "authorized", "partially_paid", "paid", "partially_refunded"})
"""Financial statuses of an order that still stands (not refunded or voided)."""
_METHOD: TypeAdapter[PaymentMethod] = TypeAdapter(PaymentMethod)


def order_status(financial: str, fulfillment: str, cancelled: bool = False) -> OrderStatus:
    """The store's order status for Shopify's financial and fulfillment statuses.

    Cancelled, voided, refunded or restocked: `cancelled`. Fulfilled: `delivered` (Shopify
    does not know whether a parcel arrived; a fulfilled order is one a shopper can return or
    exchange). Partly fulfilled: `processed`. Otherwise, unfulfilled and paid, authorized or
    awaiting payment: `pending` (the shopper may still change or cancel it).

    Raises:
        ValueError: A status Shopify does not write.
    """
    money = financial.strip().lower().replace(" ", "_")
    goods = fulfillment.strip().lower().replace(" ", "_")
    if money not in PAID | {"refunded", "voided"}:
        raise ValueError(f"unknown financial status {financial!r}")
    if goods not in {"", "unfulfilled", "fulfilled", "partial", "restocked"}:
        raise ValueError(f"unknown fulfillment status {fulfillment!r}")
    if cancelled or money in {"refunded", "voided"} or goods == "restocked":
        return "cancelled"
    if goods == "fulfilled":
        return "delivered"
    if goods == "partial":
        return "processed"
    return "pending"


@dataclass(frozen=True)
class LineEntry:
    """One line item as the file gives it."""

    line: int
    sku: str
    name: str
    quantity: int
    price: float | None


@dataclass
class OrderEntry:
    """One order as the file gives it (its customer and items are resolved on import)."""

    line: int
    order_id: str
    email: str
    status: OrderStatus
    first_name: str
    last_name: str
    address: UserAddress
    payment: str | PaymentMethod
    """Shopify's payment gateway name (`Shopify Payments`, `PayPal Express Checkout`, ...)
    or, in our JSON, a payment method of the store's shape."""
    total: float | None = None
    tracking_ids: list[str] = field(default_factory=list)
    lines: list[LineEntry] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The order id: one order per id in a file."""
        return self.order_id


def is_shopify_orders(header: list[str]) -> bool:
    """Whether a CSV header is Shopify's order export."""
    return "Name" in header and "Lineitem quantity" in header


def order_id_of(text: str) -> str:
    """An order id as the store keeps it: with the `#` the order tools expect (`#1001`)."""
    text = text.strip()
    return text if not text or text.startswith("#") else f"#{text}"


def _rows(table: Table) -> list[tuple[int, dict[str, Any]]]:
    """Every line item as one flat row in our field names, with its line."""
    shopify = table.form == "csv" and is_shopify_orders(table.header)
    if shopify:
        return [
            (line, {f: cell(row, *names) for f, names in SHOPIFY_COLUMNS.items()})
            for line, row in table.rows
        ]
    if table.form == "csv":
        return table.rows
    flat_rows = []
    for line, record in table.rows:
        base = {k: v for k, v in record.items() if k not in ("items", "address")}
        if isinstance(record.get("address"), dict):
            base.update({f: record["address"].get(f, "") for f in ADDRESS_FIELDS})
        items = record.get("items")
        if not isinstance(items, list) or not items:
            flat_rows.append((line, {**base, "_no_items": True}))
            continue
        for n, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                item = {"_bad_item": item}
            item = {("item_name" if k == "name" else k): v for k, v in item.items()}
            flat_rows.append((line, {**base, **item, "_item": n}))
    return flat_rows


def _header(line: int, row: dict[str, Any]) -> OrderEntry:
    """The order fields of an order's first row; raises ValueError with the reason."""
    order_id = order_id_of(cell(row, "order_id"))
    email = cell(row, "email")
    if not email:
        raise ValueError(f"order {order_id}: missing email")
    if not is_email(email):
        raise ValueError(f"order {order_id}: email {email!r} is not an email address")
    given = cell(row, "status")
    status: OrderStatus
    if given:
        if given not in STATUSES:
            raise ValueError(f"order {order_id}: unknown status {given!r}")
        status = cast(OrderStatus, given)
    else:
        try:
            status = order_status(
                cell(row, "financial_status"),
                cell(row, "fulfillment_status"),
                bool(cell(row, "cancelled_at")),
            )
        except ValueError as error:
            raise ValueError(f"order {order_id}: {error}") from None
    first, _, last = cell(row, "name").partition(" ")
    payment: str | PaymentMethod = cell(row, "payment_method")
    if isinstance(row.get("payment_method"), dict):
        try:
            payment = _METHOD.validate_python(row["payment_method"])
        except ValidationError as error:
            raise ValueError(f"payment_method: {validation_reason(error)}") from None
    tracking = row.get("tracking_ids")
    tracking_ids = [str(t) for t in tracking] if isinstance(tracking, list) else []
    if cell(row, "tracking_id"):
        tracking_ids = [t.strip() for t in cell(row, "tracking_id").split(",") if t.strip()]
    total = cell(row, "total")
    return OrderEntry(
        line=line,
        order_id=order_id,
        email=email,
        status=status,
        first_name=cell(row, "first_name") or first,
        last_name=cell(row, "last_name") or last.strip(),
        address=UserAddress(
            **{f: zip_code(cell(row, f)) if f == "zip" else cell(row, f) for f in ADDRESS_FIELDS}
        ),
        payment=payment,
        total=amount(total, "total") if total else None,
        tracking_ids=tracking_ids,
    )


def _line_item(line: int, row: dict[str, Any]) -> LineEntry:
    """A line item of a row; raises ValueError with the reason."""
    where = f"item #{row['_item']}: " if "_item" in row else ""
    if "_bad_item" in row:
        raise ValueError(f"{where}expected a JSON object")
    sku, name = cell(row, "sku"), cell(row, "item_name")
    if not sku and not name:
        raise ValueError(f"{where}a line item needs a SKU or a name")
    raw_quantity = cell(row, "quantity") or "1"
    try:
        quantity = int(raw_quantity)
    except ValueError:
        raise ValueError(f"{where}quantity {raw_quantity!r} is not a whole number") from None
    if quantity < 1:
        raise ValueError(f"{where}quantity {quantity} is not positive")
    raw_price = cell(row, "price")
    price = amount(raw_price, f"{where}price") if raw_price else None
    return LineEntry(line=line, sku=sku, name=name, quantity=quantity, price=price)


def orders_of(table: Table, report: RecordReport[OrderEntry]) -> None:
    """Add the table's orders to `report`, and every bad row with its line and reason."""
    if (
        table.form == "csv"
        and not is_shopify_orders(table.header)
        and ("order_id" not in table.header)
    ):
        report.error(1, "no Name or order_id column; is this a Shopify order export?")
        return
    by_id: dict[str, OrderEntry] = {}
    current: str | None = None
    for line, row in _rows(table):
        order_id = order_id_of(cell(row, "order_id"))
        if not order_id:
            report.error(line, "missing order id (Name)")
            current = None
            continue
        if order_id != current:
            if order_id in by_id or order_id in report.incomplete:
                first = by_id[order_id].line if order_id in by_id else None
                where = f" on line {first}" if first else " above"
                report.error(
                    line,
                    f"order {order_id} already read{where}; an order's rows must be together",
                    order_id,
                )
                current = None
                continue
            current = order_id
            try:
                by_id[order_id] = _header(line, row)
            except ValueError as error:
                report.error(line, str(error), order_id)
                continue
            report.records.append(by_id[order_id])
        if order_id not in by_id:
            continue  # a further row of an order whose first row was rejected
        if row.get("_no_items"):
            report.error(line, f"order {order_id}: no items", order_id)
            continue
        try:
            by_id[order_id].lines.append(_line_item(line, row))
        except ValueError as error:
            report.error(line, f"order {order_id}: {error}", order_id)


def read_orders(path: Path) -> RecordReport[OrderEntry]:
    """Read an order file (`.csv`, `.json`, `.jsonl`); bad rows are reported, not raised.

    An order with a rejected row is left out entirely (its stored version, if any, stays).

    Raises:
        ValueError: An unknown file extension.
        FileNotFoundError: No such file.
    """
    report: RecordReport[OrderEntry] = RecordReport(source=str(path))
    orders_of(read_table(path, report, "orders"), report)
    report.settle()
    return report
