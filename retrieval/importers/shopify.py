"""Importer for the Shopify product CSV export.

One row per variant; the first row of a `Handle` carries the product fields (Title, Body,
Vendor, Type, Tags, option names), continuation rows of the same Handle add variants, and
rows with only an image add images. A bad row is reported with its line and reason and
the other rows are still imported.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from retrieval.catalog import Product, Variant
from retrieval.importers.amounts import amount
from retrieval.importers.report import ImportReport, RowError, validation_reason

REQUIRED_COLUMNS = ("Handle", "Title", "Variant Price")
_OPTION_SLOTS = (1, 2, 3)
_HIDDEN_STATUSES = {"draft", "archived"}
T = TypeVar("T")
_TAG = re.compile(r"<[^>]+>")


def html_to_text(body: str) -> str:
    """Plain text of a product's HTML body."""
    text = re.sub(r"<\s*(br|/p|/li|/h\d)\s*/?>", "\n", body, flags=re.IGNORECASE)
    text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())


@dataclass
class _Draft:
    handle: str
    line: int
    title: str
    body: str = ""
    vendor: str = ""
    product_type: str = ""
    tags: list[str] = field(default_factory=list)
    option_names: dict[int, str] = field(default_factory=dict)
    image: str | None = None
    status: str = ""
    variants: list[tuple[int, Variant]] = field(default_factory=list)


def _cell(row: dict[str | None, object], name: str) -> str:
    value = row.get(name)
    return value.strip() if isinstance(value, str) else ""


def _variant(row: dict[str | None, object], draft: _Draft, line: int) -> Variant:
    """A variant from one row; raises ValueError with the reason when the row is bad."""
    options: dict[str, str] = {}
    for slot in _OPTION_SLOTS:
        value = _cell(row, f"Option{slot} Value")
        if not value:
            continue
        name = draft.option_names.get(slot)
        if not name:
            raise ValueError(
                f"Option{slot} Value {value!r} but the product has no Option{slot} Name"
            )
        if name.lower() == "title" and value.lower() == "default title":
            continue  # Shopify's placeholder option for single-variant products
        options[name] = value
    raw_price = _cell(row, "Variant Price")
    if not raw_price:
        raise ValueError("missing Variant Price")
    price = amount(raw_price, "Variant Price", "price")
    raw_qty = _cell(row, "Variant Inventory Qty")
    available = True  # untracked inventory: always sellable
    if raw_qty:
        try:
            qty = int(float(raw_qty))
        except ValueError:
            raise ValueError(f"Variant Inventory Qty {raw_qty!r} is not a number") from None
        policy = _cell(row, "Variant Inventory Policy").lower()
        available = qty > 0 or policy == "continue"
    sku = _cell(row, "Variant SKU") or None
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", v.lower()).strip("-") for v in options.values())
    item_id = sku or (f"{draft.handle}-{slug}" if slug else f"{draft.handle}-default")
    try:
        return Variant(item_id=item_id, options=options, price=price, available=available, sku=sku)
    except ValidationError as error:
        raise ValueError(validation_reason(error)) from None


def _is_variant_row(row: dict[str | None, object]) -> bool:
    cells = ("Title", "Variant Price", "Variant SKU", "Option1 Value", "Option2 Value")
    return any(_cell(row, c) for c in cells)


def _guarded(path: Path, reader: csv.DictReader[str], read: Callable[[], T]) -> T:
    """`read()`, with a CSV the reader cannot go on with said as `file:line` (the reader has
    not counted the line it failed on yet)."""
    try:
        return read()
    except csv.Error as error:
        raise ValueError(
            f"{path}:{reader.line_num + 1}: not readable as CSV ({error}); nothing was imported"
        ) from error


def _rows(path: Path, reader: csv.DictReader[str]) -> Iterator[dict[str | None, object]]:
    """The reader's rows; a row it cannot read (a field over the CSV size limit, say) stops
    the file with a `ValueError` naming the line, since the rows after it are unreliable."""
    while True:
        row = _guarded(path, reader, lambda: next(reader, None))
        if row is None:
            return
        yield row


def import_shopify_csv(path: Path) -> ImportReport:
    """Read a Shopify product export; products in draft or archived status are skipped."""
    report = ImportReport(source=str(path))
    drafts: dict[str, _Draft] = {}
    orphans: dict[str, list[int]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = _guarded(path, reader, lambda: reader.fieldnames) or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            report.error(1, f"missing column(s) {', '.join(missing)}; is this a Shopify export?")
            return report
        line = reader.line_num + 1
        for row in _rows(path, reader):
            start, line = line, reader.line_num + 1
            if None in row or any(v is None for v in row.values()):
                report.error(
                    start,
                    f"row has a different number of fields than the header ({len(header)})",
                    _cell(row, "Handle") or None,
                )
                continue
            handle_name = _cell(row, "Handle")
            if not handle_name:
                if any(_cell(row, c) for c in header):
                    report.error(start, "missing Handle")
                continue
            draft = drafts.get(handle_name)
            if draft is None:
                title = _cell(row, "Title")
                if not title:
                    if _is_variant_row(row):
                        orphans.setdefault(handle_name, []).append(start)
                    continue
                draft = _Draft(
                    handle=handle_name,
                    line=start,
                    title=title,
                    body=html_to_text(_cell(row, "Body (HTML)")),
                    vendor=_cell(row, "Vendor"),
                    product_type=_cell(row, "Type") or _cell(row, "Product Category"),
                    tags=[t.strip() for t in _cell(row, "Tags").split(",") if t.strip()],
                    option_names={
                        s: _cell(row, f"Option{s} Name")
                        for s in _OPTION_SLOTS
                        if _cell(row, f"Option{s} Name")
                    },
                    status=_cell(row, "Status").lower(),
                )
                drafts[handle_name] = draft
                for orphan in orphans.pop(handle_name, []):
                    report.error(
                        orphan, f"variant row of {handle_name!r} before its Title row", handle_name
                    )
            if not draft.image and _cell(row, "Image Src"):
                draft.image = _cell(row, "Image Src")
            if not _is_variant_row(row):
                continue  # an image-only row
            try:
                variant = _variant(row, draft, start)
            except ValueError as error:
                report.error(start, str(error), handle_name)
                continue
            clash = next((n for n, v in draft.variants if v.item_id == variant.item_id), None)
            if clash is not None:
                report.error(
                    start,
                    f"duplicate variant {variant.item_id!r} (first on line {clash})",
                    handle_name,
                )
                continue
            draft.variants.append((start, variant))
    for handle_name, lines in orphans.items():
        for orphan in lines:
            report.error(orphan, f"no row of handle {handle_name!r} has a Title", handle_name)
    for draft in drafts.values():
        if draft.status in _HIDDEN_STATUSES:
            report.skipped.append(RowError(draft.line, f"{draft.handle}: status {draft.status}"))
            continue
        if not draft.variants:
            continue  # every variant row was rejected, each already reported
        try:
            report.products.append(
                Product(
                    product_id=draft.handle,
                    name=draft.title,
                    product_type=draft.product_type or "Other",
                    brand=draft.vendor or None,
                    description=draft.body,
                    tags=draft.tags,
                    image_url=draft.image,
                    variants=[v for _, v in draft.variants],
                )
            )
        except ValidationError as error:
            report.error(draft.line, validation_reason(error), draft.handle)
    report.errors.sort()
    return report
