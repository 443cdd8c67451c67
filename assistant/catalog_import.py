"""A merchant's catalog file into the store and search, upsert by default.

Products in the file are added or replaced in the store, the catalog of record (carts and
orders read items there), and search is then indexed from what the store holds; with `sync`
the file is the whole catalog and products it lacks are removed. The store's part runs in one
transaction first, so a file the store refuses (an item id that belongs to another product,
say) changes nothing anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.store.catalog_sync import CatalogChange
from retrieval.importers import import_path
from retrieval.importers.report import ImportReport


class CatalogImportError(ValueError):
    """The file cannot be imported; nothing was changed."""


@dataclass
class CatalogImport:
    """What an import read and did."""

    report: ImportReport
    store: CatalogChange
    search: Any
    """The search index's `IngestSummary`."""


def products_to_remove(services: Any, report: ImportReport) -> set[str]:
    """The stored products a sync with this file would remove (those the file lacks).

    Raises:
        CatalogImportError: A rejected row names no product, so what the file lacks is unknown.
    """
    if report.unattributed:
        raise CatalogImportError(
            f"{report.unattributed} rejected row(s) name no product, so what the file lacks "
            "cannot be told; fix them or import without sync"
        )
    index, _ = services.indexes
    in_file = {p.product_id for p in report.products} | report.incomplete
    known = set(services.store.product_ids()) | set(index.product_ids())
    return known - in_file


def import_catalog(
    services: Any,
    path: Path,
    *,
    sync: bool = False,
    confirm_removal: Callable[[int], bool] = lambda count: True,
    progress: Callable[[str, int, int], None] | None = None,
) -> CatalogImport:
    """Import a catalog file (Shopify CSV, JSONL or JSON) into the store and search.

    Args:
        services: The composition root (`assistant.services.Services`).
        path: The file.
        sync: Remove stored products the file lacks.
        confirm_removal: Asked with the number of products a sync would remove; False stops
            the import before anything changes.
        progress: Called as `progress(stage, done, total)` while indexing.

    Raises:
        CatalogImportError: The file is unreadable, has no good product, the store refuses it,
            or the removal was not confirmed; nothing changed.
    """
    from assistant.store.errors import StoreError

    try:
        report = import_path(path)
    except (ValueError, FileNotFoundError) as err:
        raise CatalogImportError(str(err)) from err
    if not report.products:
        raise CatalogImportError(
            f"{path} has no product that could be read: {report.first_errors(path)}"
        )
    remove = products_to_remove(services, report) if sync else set()
    if remove and not confirm_removal(len(remove)):
        raise CatalogImportError("the removal was not confirmed")
    entries = [p for p in report.products if p.product_id not in report.incomplete]
    try:
        change = services.store.upsert_products(entries, remove=sorted(remove))
    except StoreError as err:
        raise CatalogImportError(str(err)) from err
    index, _ = services.indexes
    # Search is indexed from the store's record of what the file changed (all of it, for a
    # sync); a product with rejected rows keeps its indexed version, like its stored one.
    record = services.store.catalog_products(None if sync else [p.product_id for p in entries])
    summary = index.ingest(record, remove_missing=sync, progress=progress, keep=report.incomplete)
    return CatalogImport(report=report, store=change, search=summary)


def reindex_catalog(services: Any, progress: Callable[[str, int, int], None] | None = None) -> Any:
    """Bring search in line with the store's catalog: products the store lacks leave search,
    changed ones are re-indexed, unchanged ones skipped (after restoring a database backup,
    or once the index was lost). Returns the index's `IngestSummary`.

    Raises:
        CatalogImportError: The store holds no product (nothing is removed from search).
    """
    products = services.store.catalog_products()
    if not products:
        raise CatalogImportError(
            "the store holds no product, so search was left as it is; import a catalog first"
        )
    index, _ = services.indexes
    return index.ingest(products, remove_missing=True, progress=progress)
