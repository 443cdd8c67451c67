"""Turn the product specs into catalog records: variants, SKUs, prices, stock, tags, copy."""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass

from assistant.demo.beanleaf.coffee import COFFEES
from assistant.demo.beanleaf.descriptions import describe
from assistant.demo.beanleaf.gear import GEAR
from assistant.demo.beanleaf.specs import ProductSpec, Value
from assistant.demo.beanleaf.tableware import TABLEWARE
from assistant.demo.beanleaf.tea import TEAS
from retrieval.catalog import Product, Variant

SPECS: tuple[ProductSpec, ...] = (*COFFEES, *TEAS, *GEAR, *TABLEWARE)
IMAGE_URL = "https://cdn.beanleaf.example/products/{product_id}/{slug}.jpg"
OUT_OF_STOCK_RATE = 0.1
# Gear with at least this many combinations loses a few of them at random (a shop rarely
# stocks every colour in every size); coffee and tea are always sold in every combination.
SPARSE_FROM = 6
DROP_RATE = 0.08


@dataclass(frozen=True)
class CatalogEntry:
    """A generated product with the spec it came from."""

    product: Product
    spec: ProductSpec


def product_id(position: int) -> str:
    """`BL-P0001` for the first product line."""
    return f"BL-P{position:04d}"


def slug(name: str) -> str:
    """`"Tarrazú Honey"` → `"tarrazu-honey"` (ASCII, for image paths)."""
    ascii_name = name.lower().translate(str.maketrans("áéíóúàèñüö", "aeiouaenuo"))
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")


def shelf_price(raw: float) -> float:
    """A price as a shop would mark it: half dollars below $30, then x.99 or x.00."""
    if raw < 30:
        return max(0.5, round(raw * 2) / 2)
    return float(math.floor(raw)) + 0.99 if raw < 100 else float(round(raw))


def sku(spec: ProductSpec, chosen: dict[str, Value]) -> str:
    """`BL-YRG-250-WB`: the line code, then the codes of the options that vary."""
    counts = {o.name: len(o.values) for o in spec.options}
    order = spec.sku_order or tuple(counts)
    varying = [name for name in order if counts[name] > 1]
    names = varying or [name for name in order if chosen[name].code]
    return "-".join(["BL", spec.code, *(chosen[name].code for name in names)])


def _variants(spec: ProductSpec, rng: random.Random) -> list[Variant]:
    jitter = rng.uniform(0.94, 1.06)
    combos = list(itertools.product(*(o.values for o in spec.options)))
    if spec.kind not in {"coffee", "tea"} and len(combos) >= SPARSE_FROM:
        combos = [c for i, c in enumerate(combos) if i == 0 or rng.random() >= DROP_RATE]
    variants = []
    for combo in combos:
        chosen = {option.name: value for option, value in zip(spec.options, combo, strict=True)}
        raw = spec.base_price * jitter
        for value in combo:
            raw = raw * value.mult + value.add
        item_id = sku(spec, chosen)
        variants.append(
            Variant(
                item_id=item_id,
                sku=item_id,
                options={name: value.value for name, value in chosen.items()},
                price=shelf_price(raw),
                available=rng.random() >= OUT_OF_STOCK_RATE,
            )
        )
    if not any(v.available for v in variants):
        variants[0] = variants[0].model_copy(update={"available": True})
    return variants


def build_catalog(rng: random.Random) -> list[CatalogEntry]:
    """Every product line as a catalog record, in spec order.

    One consumable line, chosen by the seed, is sold out in every variant (a seasonal lot
    between harvests); every other line keeps at least one variant in stock.
    """
    sold_out = rng.choice([s.code for s in SPECS if s.kind in {"coffee", "tea"}])
    entries = []
    for position, spec in enumerate(SPECS, start=1):
        pid = product_id(position)
        variants = _variants(spec, rng)
        if spec.code == sold_out:
            variants = [v.model_copy(update={"available": False}) for v in variants]
        tags = [*spec.tags, *(f"{key}:{value}" for key, value in spec.facts)]
        product = Product(
            product_id=pid,
            name=spec.name,
            product_type=spec.product_type,
            brand=spec.brand,
            tags=tags,
            image_url=IMAGE_URL.format(product_id=pid.lower(), slug=slug(spec.name)),
            variants=variants,
        )
        product = product.model_copy(update={"description": describe(product, spec.kind, rng)})
        entries.append(CatalogEntry(Product.model_validate(product.model_dump()), spec))
    return entries
