"""The store's side of a catalog import: products and variants upserted (or synced), so an
imported item can be added to a cart and ordered like any other."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.store.errors import StoreError
from assistant.store.schema import ProductRow, VariantRow
from retrieval.catalog import Product


@dataclass(frozen=True)
class CatalogChange:
    """What an upsert did to the store's products."""

    added: int
    updated: int
    removed: int


class CatalogSync:
    """Catalog-import methods of `Store` (mixed in; uses its transaction)."""

    _now: Callable[[], datetime]

    def transaction(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def product_ids(self) -> list[str]:
        """Every product id in the store, in load order."""
        with self.transaction() as s:
            return list(s.scalars(select(ProductRow.product_id).order_by(ProductRow.position)))

    def upsert_products(
        self, products: Iterable[Product], *, remove: Iterable[str] = ()
    ) -> CatalogChange:
        """Add or replace products and their variants, and delete the products in `remove`,
        in one transaction (nothing changes if any of it fails).

        A replaced product keeps its position; its variants become exactly the given ones.
        """
        added = updated = 0
        products = list(products)
        with self.transaction() as s:
            _check_item_owners(s, products)
            position = s.scalar(select(func.max(ProductRow.position))) or 0
            for entry in products:
                row = s.get(ProductRow, entry.product_id)
                if row is None:
                    position += 1
                    row = ProductRow(product_id=entry.product_id, position=position)
                    s.add(row)
                    added += 1
                else:
                    updated += 1
                row.name = entry.name
                _set_variants(s, row, entry)
                s.flush()
            removed = 0
            for product_id in remove:
                gone = s.get(ProductRow, product_id)
                if gone is not None:
                    s.delete(gone)
                    removed += 1
        return CatalogChange(added=added, updated=updated, removed=removed)


def _check_item_owners(s: Session, products: Sequence[Product]) -> None:
    """An item id is unique store-wide: one already kept under another product is refused."""
    wanted = {v.item_id: p.product_id for p in products for v in p.variants}
    if not wanted:
        return
    rows = s.execute(
        select(VariantRow.item_id, VariantRow.product_id).where(
            VariantRow.item_id.in_(list(wanted))
        )
    )
    clashes = [(item, owner) for item, owner in rows if owner != wanted[item]]
    if clashes:
        item, owner = clashes[0]
        raise StoreError(
            f"item {item} of product {wanted[item]} is already an item of product {owner} "
            f"({len(clashes)} such item id(s)); item ids must be unique across the catalog"
        )


def _set_variants(s: Session, row: ProductRow, entry: Product) -> None:
    """Make the product's variants exactly `entry`'s, updating rows in place by item id."""
    kept = {v.item_id: v for v in row.variants}
    wanted = {line.item_id for line in entry.variants}
    for item_id, old in kept.items():
        if item_id not in wanted:
            s.delete(old)
    for position, line in enumerate(entry.variants):
        variant = kept.get(line.item_id)
        if variant is None:
            variant = VariantRow(item_id=line.item_id, product_id=entry.product_id)
            s.add(variant)
        variant.options = dict(line.options)
        variant.available = line.available
        variant.price = line.price
        variant.position = position
