"""Importer for JSON Lines catalogs: one `Product` object per line."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from retrieval.catalog import Product
from retrieval.importers.report import ImportReport, validation_reason


def import_jsonl(path: Path) -> ImportReport:
    """Read `path`; blank lines are ignored, a bad line is reported and the rest imported."""
    report = ImportReport(source=str(path))
    seen: dict[str, int] = {}
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                report.error(number, f"invalid JSON: {error.msg} at column {error.colno}")
                continue
            try:
                product = Product.model_validate(data)
            except ValidationError as error:
                named = data.get("product_id") if isinstance(data, dict) else None
                report.error(number, validation_reason(error), str(named) if named else None)
                continue
            if product.product_id in seen:
                report.error(
                    number,
                    f"product_id {product.product_id!r} already defined on line "
                    f"{seen[product.product_id]}",
                    product.product_id,
                )
                continue
            seen[product.product_id] = number
            report.products.append(product)
    return report
