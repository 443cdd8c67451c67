"""Reading a customer file: Shopify's customer CSV export, or our own CSV, JSON or JSON Lines.

Shopify's export has one row per customer, the address in `Default Address ...` columns
(older exports: `Address1`, `City`, `Province Code`, ...). Ours has the store's field names
(`email`, `first_name`, `last_name`, `address1`, ..., `zip`); JSON records may nest the
address (`"address": {...}`) and the name (`"name": {...}`) as τ²'s users do, and may list
payment methods. A customer is keyed by their email: it is what signs them in and what an
order names them by.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from assistant.imports.report import RecordReport
from assistant.imports.tables import Table, cell, is_email, read_table
from assistant.store.models import PaymentMethod, UserAddress
from retrieval.importers.report import validation_reason

#: Our address field → Shopify's column names, newest export first.
SHOPIFY_ADDRESS = {
    "address1": ("Default Address Address1", "Address1"),
    "address2": ("Default Address Address2", "Address2"),
    "city": ("Default Address City", "City"),
    "state": ("Default Address Province Code", "Province Code", "Province"),
    "country": ("Default Address Country Code", "Country Code", "Country"),
    "zip": ("Default Address Zip", "Zip"),
}
ADDRESS_FIELDS = ("address1", "address2", "city", "state", "country", "zip")
_METHODS: TypeAdapter[list[PaymentMethod]] = TypeAdapter(list[PaymentMethod])


@dataclass(frozen=True)
class CustomerEntry:
    """One customer as the file gives them (the user id is the import's to choose)."""

    line: int
    email: str
    first_name: str
    last_name: str
    address: UserAddress
    payment_methods: tuple[PaymentMethod, ...] = ()

    @property
    def key(self) -> str:
        """The lower-cased email: one customer per email."""
        return self.email.lower()


def is_shopify_customers(header: list[str]) -> bool:
    """Whether a CSV header is Shopify's customer export (title-case `Email`, `First Name`)."""
    return "Email" in header and ("First Name" in header or "Last Name" in header)


def zip_code(text: str) -> str:
    """A zip as Shopify writes it in CSV: a leading `'` keeps spreadsheets from dropping
    leading zeros (`'02134`); the code is what follows."""
    return text[1:] if text.startswith("'") else text


def _flat(line: int, row: dict[str, Any], shopify: bool) -> dict[str, Any]:
    """The row in our field names."""
    if shopify:
        flat: dict[str, Any] = {
            "email": cell(row, "Email"),
            "first_name": cell(row, "First Name"),
            "last_name": cell(row, "Last Name"),
        }
        flat.update({f: cell(row, *names) for f, names in SHOPIFY_ADDRESS.items()})
        return flat
    flat = dict(row)
    name = row.get("name")
    if isinstance(name, dict):
        flat.setdefault("first_name", name.get("first_name", ""))
        flat.setdefault("last_name", name.get("last_name", ""))
    address = row.get("address")
    if isinstance(address, dict):
        for field_name in ADDRESS_FIELDS:
            flat.setdefault(field_name, address.get(field_name, ""))
    return flat


def customer_of(line: int, flat: dict[str, Any]) -> CustomerEntry:
    """A customer from a row in our field names; raises ValueError with the reason."""
    email = cell(flat, "email")
    if not email:
        raise ValueError("missing email")
    if not is_email(email):
        raise ValueError(f"email {email!r} is not an email address")
    address = UserAddress(
        **{f: zip_code(cell(flat, f)) if f == "zip" else cell(flat, f) for f in ADDRESS_FIELDS}
    )
    methods: list[PaymentMethod] = []
    if flat.get("payment_methods"):
        raw = flat["payment_methods"]
        raw = list(raw.values()) if isinstance(raw, dict) else raw
        try:
            methods = _METHODS.validate_python(raw)
        except ValidationError as error:
            raise ValueError(f"payment_methods: {validation_reason(error)}") from None
    return CustomerEntry(
        line=line,
        email=email,
        first_name=cell(flat, "first_name"),
        last_name=cell(flat, "last_name"),
        address=address,
        payment_methods=tuple(methods),
    )


def customers_of(table: Table, report: RecordReport[CustomerEntry]) -> None:
    """Add the table's customers to `report`, and every bad row with its line and reason."""
    shopify = table.form == "csv" and is_shopify_customers(table.header)
    if table.form == "csv" and not shopify and "email" not in table.header:
        report.error(1, "no Email or email column; is this a Shopify customer export?")
        return
    first_line: dict[str, int] = {}
    for line, row in table.rows:
        flat = _flat(line, row, shopify)
        key = cell(flat, "email").lower() or None
        try:
            entry = customer_of(line, flat)
        except ValueError as error:
            report.error(line, str(error), key)
            continue
        if entry.key in first_line:
            report.error(
                line, f"email {entry.email!r} already on line {first_line[entry.key]}", entry.key
            )
            continue
        first_line[entry.key] = line
        report.records.append(entry)


def read_customers(path: Path) -> RecordReport[CustomerEntry]:
    """Read a customer file (`.csv`, `.json`, `.jsonl`); bad rows are reported, not raised.

    Raises:
        ValueError: An unknown file extension.
        FileNotFoundError: No such file.
    """
    report: RecordReport[CustomerEntry] = RecordReport(source=str(path))
    customers_of(read_table(path, report, "customers"), report)
    report.settle()  # a customer with a rejected row (a second one of their email) is left out
    return report
