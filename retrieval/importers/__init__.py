"""Catalog importers (τ² db, JSON Lines, Shopify CSV) and `ingest_path` choosing among them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from retrieval.catalog import Product
from retrieval.importers.jsonl import import_jsonl
from retrieval.importers.report import ImportReport, RowError, validation_reason
from retrieval.importers.shopify import import_shopify_csv
from retrieval.importers.tau2 import import_tau2
from retrieval.importers.text_check import check_text_file

if TYPE_CHECKING:
    from retrieval.ingest import IngestSummary, ProgressCallback
    from retrieval.search import CatalogIndex

__all__ = [
    "ImportReport",
    "RowError",
    "import_json",
    "import_jsonl",
    "import_path",
    "import_shopify_csv",
    "import_tau2",
    "ingest_path",
]


def import_json(path: Path) -> ImportReport:
    """A `.json` file: a τ² db (`{"products": {id: ...}}`) or a list of products."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        report = ImportReport(source=str(path))
        report.error(error.lineno, f"invalid JSON: {error.msg}")
        return report
    if isinstance(data, dict) and isinstance(data.get("products"), dict):
        report = import_tau2(data)
        report.source = str(path)
        return report
    items = data.get("products") if isinstance(data, dict) else data
    report = ImportReport(source=str(path))
    if not isinstance(items, list):
        report.error(1, "expected a τ² db object or a list of products")
        return report
    for position, item in enumerate(items, start=1):
        try:
            report.products.append(Product.model_validate(item))
        except ValidationError as error:
            named = item.get("product_id") if isinstance(item, dict) else None
            report.error(
                position,
                f"product #{position}: {validation_reason(error)}",
                str(named) if named else None,
            )
    return report


_IMPORTERS = {".csv": import_shopify_csv, ".jsonl": import_jsonl, ".json": import_json}


def import_path(path: Path) -> ImportReport:
    """Read a catalog file, choosing the importer by extension (.csv, .jsonl, .json).

    Raises:
        ValueError: An unknown extension, or a file that is empty, binary or not UTF-8
            (`NotTextError`, naming the file and line).
        FileNotFoundError: No such file.
    """
    path = Path(path)
    importer = _IMPORTERS.get(path.suffix.lower())
    if importer is None:
        known = ", ".join(sorted(_IMPORTERS))
        raise ValueError(f"{path}: unknown catalog format {path.suffix!r}; expected one of {known}")
    if not path.is_file():
        raise FileNotFoundError(f"catalog file {path} does not exist")
    check_text_file(path)  # empty, binary or not UTF-8: said with the file and line
    return importer(path)


def ingest_path(
    index: CatalogIndex,
    path: Path,
    *,
    remove_missing: bool = True,
    progress: ProgressCallback | None = None,
) -> tuple[ImportReport, IngestSummary]:
    """Import a catalog file and bring `index` in line with it.

    The good rows are ingested even when some rows were rejected. Nothing stored is lost to
    bad input: a stored product with a rejected row keeps its stored version, and when a
    rejected row names no product, no product is treated as deleted. Otherwise products
    absent from the file are removed when `remove_missing` (the file is the whole catalog).
    """
    report = import_path(path)
    summary = index.ingest(
        report.products,
        remove_missing=remove_missing and report.unattributed == 0,
        progress=progress,
        keep=report.incomplete,
    )
    return report, summary
