"""The catalog of record: products with their variants and details upserted (or synced) in
the store, so an imported item can be added to a cart and ordered like any other, and
search is indexed from what the store holds (`catalog_products`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.store.errors import StoreError
from assistant.store.schema import ProductDetailsRow, ProductRow, VariantRow
from retrieval.catalog import Product, Variant


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
                _set_details(row, entry)
                s.flush()
            removed = 0
            for product_id in remove:
                gone = s.get(ProductRow, product_id)
                if gone is not None:
                    s.delete(gone)
                    removed += 1
        return CatalogChange(added=added, updated=updated, removed=removed)

    def catalog_products(self, product_ids: Iterable[str] | None = None) -> list[Product]:
        """The catalog's products as search indexes them, in catalog order: all of them, or
        those of `product_ids` the store has."""
        query = select(ProductRow).order_by(ProductRow.position)
        if product_ids is not None:
            query = query.where(ProductRow.product_id.in_(list(product_ids)))
        with self.transaction() as s:
            return [catalog_product_of(row) for row in s.scalars(query)]

    def ids_without_details(self) -> list[str]:
        """Products the store has no details for (kept before the store held them)."""
        with self.transaction() as s:
            rows = s.scalars(
                select(ProductRow.product_id)
                .outerjoin(ProductDetailsRow)
                .where(ProductDetailsRow.product_id.is_(None))
                .order_by(ProductRow.position)
            )
            return list(rows)

    def fill_missing_details(self, products: Iterable[Product]) -> int:
        """Record the details of `products` the store has no details for (names and
        variants stay as stored); returns how many were filled."""
        filled = 0
        with self.transaction() as s:
            for entry in products:
                row = s.get(ProductRow, entry.product_id)
                if row is not None and row.details is None:
                    _set_details(row, entry)
                    filled += 1
        return filled


def catalog_product_of(row: ProductRow) -> Product:
    """The catalog `Product` of a product row and its variant and detail rows."""
    details = row.details
    skus = details.skus if details is not None else {}
    described: dict[str, Any] = {"product_type": row.name}  # a τ² product is its own kind
    if details is not None:
        described = {
            "product_type": details.product_type,
            "brand": details.brand,
            "description": details.description,
            "tags": list(details.tags),
            "image_url": details.image_url,
        }
    return Product(
        product_id=row.product_id,
        name=row.name,
        **described,
        variants=[
            Variant(
                item_id=v.item_id,
                options=dict(v.options),
                price=v.price,
                available=v.available,
                sku=skus.get(v.item_id),
            )
            for v in row.variants
        ],
    )


def set_description(s: Session, product_id: str, description: str) -> None:
    """Replace a product's copy (in the caller's transaction).

    Raises:
        StoreError: The store has no such product.
    """
    row = s.get(ProductRow, product_id)
    if row is None:
        raise StoreError(f"no product {product_id!r} in the catalog")
    product = catalog_product_of(row)
    _set_details(row, product.model_copy(update={"description": description}))


def _set_details(row: ProductRow, entry: Product) -> None:
    """Make the product's details `entry`'s."""
    details = row.details
    if details is None:
        details = ProductDetailsRow(product_id=entry.product_id)
        row.details = details
    details.product_type = entry.product_type
    details.brand = entry.brand
    details.description = entry.description
    details.tags = list(entry.tags)
    details.image_url = entry.image_url
    details.skus = {v.item_id: v.sku for v in entry.variants if v.sku is not None}


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
