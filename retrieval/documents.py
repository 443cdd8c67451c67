"""One search document per variant: the text that is embedded and the metadata filters use."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from retrieval.catalog import Product, Variant
from retrieval.filters import option_field
from retrieval.text import normalize

_DESCRIPTION_CHARS = 600


@dataclass(frozen=True)
class VariantDoc:
    """The indexed form of one variant."""

    doc_id: str
    product_id: str
    item_id: str
    text: str
    meta: dict[str, Any]
    text_hash: str
    meta_hash: str


def doc_id(product_id: str, item_id: str) -> str:
    """Document id of a variant; product-scoped because merchant SKUs need not be unique."""
    return f"{product_id}/{item_id}"


def variant_text(product: Product, variant: Variant) -> str:
    """The text embedded and indexed for one variant: name, type, brand, options, copy."""
    options = ", ".join(f"{k} {v}" for k, v in variant.options.items())
    head = (
        product.name
        if normalize(product.name) == normalize(product.product_type)
        else (f"{product.name} ({product.product_type})")
    )
    parts = [head]
    if product.brand:
        parts.append(f"by {product.brand}")
    if options:
        parts.append(f"- {options}.")
    if product.description:
        parts.append(product.description[:_DESCRIPTION_CHARS])
    if product.tags:
        parts.append("Tags: " + ", ".join(product.tags))
    return " ".join(parts)


def variant_meta(product: Product, variant: Variant) -> dict[str, Any]:
    """Display fields a hit needs plus the normalized fields filters compare."""
    meta: dict[str, Any] = {
        "product_id": product.product_id,
        "item_id": variant.item_id,
        "name": product.name,
        "product_type": product.product_type,
        "type_norm": normalize(product.product_type),
        "price": float(variant.price),
        "available": bool(variant.available),
        "options": dict(variant.options),
    }
    if product.brand:
        meta["brand"] = product.brand
        meta["brand_norm"] = normalize(product.brand)
    return meta


# The fields `SearchFilters.chroma_where` compares. Display fields stay in the catalog
# record, which hits are built from: each stored field costs Chroma a metadata row per
# document (the display fields took a fifth of its write time, measured at 30k items).
_FILTER_FIELDS = ("type_norm", "brand_norm", "price", "available")


def chroma_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Flat Chroma metadata (scalars only) of the filterable fields: one `opt_*` per option."""
    flat = {k: meta[k] for k in _FILTER_FIELDS if k in meta}
    for key, value in meta["options"].items():
        flat[option_field(key)] = normalize(value)
    return flat


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def product_docs(product: Product) -> list[VariantDoc]:
    """The documents of every variant of `product`."""
    docs = []
    for variant in product.variants:
        text = variant_text(product, variant)
        meta = variant_meta(product, variant)
        docs.append(
            VariantDoc(
                doc_id=doc_id(product.product_id, variant.item_id),
                product_id=product.product_id,
                item_id=variant.item_id,
                text=text,
                meta=meta,
                text_hash=_hash(text),
                meta_hash=_hash(json.dumps(meta, sort_keys=True)),
            )
        )
    return docs
