"""The generated store on disk, in the formats a merchant would import, and read back.

A store folder holds:

- `catalog.jsonl`: one `retrieval.catalog.Product` per line (the JSONL catalog importer's
  format), descriptions, tags and image URLs included;
- `customers.json` and `orders.json`: objects keyed by id, each value a τ²-shaped `User` or
  `Order` (`assistant.store.models`), exactly as in the `users` and `orders` of τ²'s `db.json`;
- `preferences.json`: the planted preferences by user id (for measuring a recommender);
- `pages/*.md`: the shop's FAQ and policy pages.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.demo.beanleaf.generator import BeanleafStore, retail_product
from assistant.store.models import Order, User
from retrieval.catalog import Product
from retrieval.importers.jsonl import import_jsonl

CATALOG_FILE = "catalog.jsonl"
CUSTOMERS_FILE = "customers.json"
ORDERS_FILE = "orders.json"
PREFERENCES_FILE = "preferences.json"
PAGES_DIR = "pages"
PAGES_SOURCE = Path(__file__).resolve().parent / "pages"

M = TypeVar("M", bound=BaseModel)


class StoreFilesError(ValueError):
    """A store folder whose files are missing or do not hold valid records."""


@dataclass(frozen=True)
class StoreFiles:
    """Where each part of a store folder is."""

    folder: Path

    @property
    def catalog(self) -> Path:
        """The JSONL catalog."""
        return self.folder / CATALOG_FILE

    @property
    def customers(self) -> Path:
        """Customers by user id."""
        return self.folder / CUSTOMERS_FILE

    @property
    def orders(self) -> Path:
        """Orders by order id."""
        return self.folder / ORDERS_FILE

    @property
    def preferences(self) -> Path:
        """Planted preferences by user id."""
        return self.folder / PREFERENCES_FILE

    @property
    def pages(self) -> list[Path]:
        """The FAQ and policy pages, by name."""
        return sorted((self.folder / PAGES_DIR).glob("*.md"))


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_store(store: BeanleafStore, folder: Path) -> StoreFiles:
    """Write `store` into `folder` (created if needed; earlier files are replaced)."""
    files = StoreFiles(Path(folder))
    files.folder.mkdir(parents=True, exist_ok=True)
    with open(files.catalog, "w", encoding="utf-8") as handle:
        for product in store.products:
            handle.write(product.model_dump_json(exclude_none=True) + "\n")
    _write_json(files.customers, {u.user_id: u.model_dump(mode="json") for u in store.users})
    _write_json(
        files.orders,
        {o.order_id: o.model_dump(mode="json", exclude_none=True) for o in store.orders},
    )
    _write_json(
        files.preferences, {uid: p.model_dump(mode="json") for uid, p in store.preferences.items()}
    )
    pages = files.folder / PAGES_DIR
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir()
    for page in sorted(PAGES_SOURCE.glob("*.md")):
        shutil.copy(page, pages / page.name)
    return files


def _records(path: Path, model: type[M], id_field: str) -> dict[str, M]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise StoreFilesError(f"{path}: missing") from err
    except json.JSONDecodeError as err:
        raise StoreFilesError(f"{path}: invalid JSON at line {err.lineno}: {err.msg}") from err
    if not isinstance(raw, dict):
        raise StoreFilesError(f"{path}: expected an object keyed by {id_field}")
    records: dict[str, M] = {}
    for key, value in raw.items():
        try:
            record = model.model_validate(value)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise StoreFilesError(f"{path}: {key}: {where}: {first['msg']}") from err
        if getattr(record, id_field) != key:
            raise StoreFilesError(f"{path}: {key}: {id_field} is {getattr(record, id_field)!r}")
        records[key] = record
    return records


def read_store(folder: Path) -> tuple[list[Product], dict[str, Any]]:
    """Read a store folder back: the catalog records and the τ²-shaped database.

    Raises:
        StoreFilesError: A file is missing, or a line or record is invalid (the message
            names the file, the line or id, and the field).
    """
    files = StoreFiles(Path(folder))
    if not files.catalog.is_file():
        raise StoreFilesError(f"{files.catalog}: missing")
    report = import_jsonl(files.catalog)
    if report.errors:
        first = report.errors[0]
        raise StoreFilesError(f"{files.catalog}:{first.line}: {first.reason}")
    users = _records(files.customers, User, "user_id")
    orders = _records(files.orders, Order, "order_id")
    db = {
        "products": {p.product_id: retail_product(p) for p in report.products},
        "users": {k: u.model_dump(mode="json") for k, u in users.items()},
        "orders": {k: o.model_dump(mode="json", exclude_none=True) for k, o in orders.items()},
    }
    return report.products, db
