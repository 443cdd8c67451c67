"""Incremental ingest planning: what to embed, what to update in place, what to delete.

Pure functions over hashes, so the decision is testable without Chroma; `CatalogIndex.ingest`
carries the plan out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from retrieval.catalog import Product
from retrieval.documents import VariantDoc, product_docs
from retrieval.state import DocRow

ProgressCallback = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)`; stages: "embed", "update", "delete", "lexical"."""


class IngestSummary(BaseModel):
    """What one ingest changed, counted in items (variants)."""

    added: int = Field(description="Items new to the index.")
    updated: int = Field(description="Items whose text or attributes changed.")
    unchanged: int = Field(description="Items skipped because their content hash matched.")
    removed: int = Field(description="Items deleted from every index.")
    seconds: float = Field(description="Wall time of the ingest.")
    embedded: int = Field(default=0, description="Texts sent to the embedding model.")
    products: int = Field(default=0, description="Products in the ingested input.")
    kept: int = Field(default=0, description="Stored products left as they were (bad rows).")


@dataclass
class IngestPlan:
    """The changes an ingest has to make."""

    embed: list[VariantDoc] = field(default_factory=list)  # new text: embed and upsert
    update_meta: list[tuple[VariantDoc, DocRow]] = field(default_factory=list)  # same text
    remove_docs: list[str] = field(default_factory=list)
    product_rows: list[tuple[str, str, str]] = field(default_factory=list)
    remove_products: list[str] = field(default_factory=list)
    store_docs: list[VariantDoc] = field(default_factory=list)
    previous: dict[str, DocRow] = field(default_factory=dict)
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changes_text(self) -> bool:
        """True when the lexical index must be rebuilt (texts added, changed or removed)."""
        return bool(self.embed or self.remove_docs)

    @property
    def empty(self) -> bool:
        """True when the ingest changes nothing."""
        return not (self.embed or self.update_meta or self.remove_docs or self.product_rows)


def unique_products(products: Iterable[Product]) -> list[Product]:
    """The products as a list; a product id given twice is an error (which one is meant?)."""
    seen: dict[str, Product] = {}
    duplicates: list[str] = []
    for product in products:
        if product.product_id in seen:
            duplicates.append(product.product_id)
        seen[product.product_id] = product
    if duplicates:
        shown = ", ".join(sorted(set(duplicates))[:10])
        raise ValueError(f"product ids given more than once: {shown}")
    return list(seen.values())


def plan_ingest(
    products: list[Product],
    stored_hashes: dict[str, str],
    load_docs: Callable[[list[str]], list[DocRow]],
    *,
    remove_missing: bool,
    force_docs: set[str] | frozenset[str] = frozenset(),
    force_products: set[str] | frozenset[str] = frozenset(),
) -> IngestPlan:
    """Compare `products` with what is stored.

    Args:
        products: The products to index (the whole catalog when `remove_missing`).
        stored_hashes: Product id to stored content hash.
        load_docs: Stored documents of some product ids.
        remove_missing: Delete stored products absent from `products`.
        force_docs: Document ids to re-embed even if their hash matches (missing from Chroma).
        force_products: The products of `force_docs`.
    """
    plan = IngestPlan()
    given = {p.product_id for p in products}
    changed = [
        p
        for p in products
        if stored_hashes.get(p.product_id) != p.content_hash() or p.product_id in force_products
    ]
    if remove_missing:
        plan.remove_products = sorted(pid for pid in stored_hashes if pid not in given)
    touched = [p.product_id for p in changed] + plan.remove_products
    plan.previous = {row.doc_id: row for row in load_docs(touched)} if touched else {}
    changed_ids = {p.product_id for p in changed}
    plan.unchanged = sum(len(p.variants) for p in products if p.product_id not in changed_ids)

    new_ids: set[str] = set()
    for product in changed:
        plan.product_rows.append(
            (product.product_id, product.content_hash(), product.model_dump_json())
        )
        for doc in product_docs(product):
            new_ids.add(doc.doc_id)
            plan.store_docs.append(doc)
            old = plan.previous.get(doc.doc_id)
            if old is None:
                plan.added += 1
                plan.embed.append(doc)
            elif old.text_hash != doc.text_hash or doc.doc_id in force_docs:
                plan.updated += 1
                plan.embed.append(doc)
            elif old.meta_hash != doc.meta_hash:
                plan.updated += 1
                plan.update_meta.append((doc, old))
            else:
                plan.unchanged += 1
    plan.remove_docs = sorted(d for d in plan.previous if d not in new_ids)
    return plan
