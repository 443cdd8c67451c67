"""Seeded synthetic catalogs (10k to 1M products) with realistic types, brands and options.

Used by the benchmarks to measure search and ingest at scales the demo store does not reach.
The same seed always gives the same catalog.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from retrieval.catalog import Product, Variant

COLORS = ["black", "white", "blue", "navy", "red", "green", "grey", "beige", "pink", "yellow"]
CLOTHING = ["XS", "S", "M", "L", "XL", "XXL"]
SHOES = [str(s) for s in range(5, 14)]


@dataclass(frozen=True)
class TypeSpec:
    """How products of one type look: options, price band, brands, selling points."""

    name: str
    options: dict[str, list[str]]
    price: tuple[float, float]
    brands: tuple[str, ...]
    points: tuple[str, ...]


TYPES = [
    TypeSpec(
        "T-Shirt",
        {
            "color": COLORS,
            "size": CLOTHING,
            "material": ["cotton", "polyester", "linen", "organic cotton"],
            "fit": ["regular", "slim", "oversized"],
        },
        (8, 60),
        ("Northwind", "Basics Co", "Loomcraft", "Urbanite"),
        ("breathable fabric", "tagless collar", "pre-shrunk", "reinforced seams"),
    ),
    TypeSpec(
        "Hoodie",
        {"color": COLORS, "size": CLOTHING, "material": ["cotton", "fleece", "polyester"]},
        (25, 120),
        ("Northwind", "Urbanite", "Summit Gear"),
        ("kangaroo pocket", "brushed interior", "adjustable hood"),
    ),
    TypeSpec(
        "Jeans",
        {
            "color": ["indigo", "black", "light wash", "grey"],
            "size": [str(w) for w in range(26, 42, 2)],
            "fit": ["skinny", "straight", "relaxed", "bootcut"],
        },
        (30, 180),
        ("Denimworks", "Loomcraft", "Urbanite"),
        ("stretch denim", "five-pocket styling", "button fly"),
    ),
    TypeSpec(
        "Running Shoes",
        {"color": COLORS, "size": SHOES, "material": ["mesh", "knit", "synthetic"]},
        (45, 220),
        ("Stride", "Velocity", "Summit Gear"),
        ("responsive cushioning", "breathable upper", "grippy outsole"),
    ),
    TypeSpec(
        "Sneakers",
        {"color": COLORS, "size": SHOES, "material": ["leather", "canvas", "suede"]},
        (35, 180),
        ("Stride", "Urbanite", "Courtside"),
        ("padded collar", "vulcanized sole", "classic silhouette"),
    ),
    TypeSpec(
        "Hiking Boots",
        {"color": ["brown", "black", "grey", "green"], "size": SHOES, "waterproof": ["yes", "no"]},
        (70, 260),
        ("Summit Gear", "Trailhead", "Stride"),
        ("ankle support", "lugged sole", "waterproof membrane"),
    ),
    TypeSpec(
        "Backpack",
        {
            "color": COLORS,
            "capacity": ["15L", "20L", "25L", "30L", "40L"],
            "material": ["nylon", "polyester", "canvas", "leather"],
        },
        (25, 200),
        ("Trailhead", "Summit Gear", "Carryall"),
        ("padded laptop sleeve", "water-resistant", "ergonomic straps"),
    ),
    TypeSpec(
        "Headphones",
        {
            "color": ["black", "white", "silver", "blue"],
            "connectivity": ["wired", "wireless", "bluetooth"],
            "type": ["over-ear", "on-ear", "in-ear"],
        },
        (20, 450),
        ("Sonora", "Pulse Audio", "Echolab"),
        ("active noise cancelling", "30-hour battery", "plush ear cushions"),
    ),
    TypeSpec(
        "Bluetooth Speaker",
        {
            "color": COLORS,
            "water resistance": ["IPX4", "IPX7", "none"],
            "battery life": ["8 hours", "12 hours", "20 hours"],
        },
        (25, 300),
        ("Sonora", "Pulse Audio", "Boomtown"),
        ("360-degree sound", "deep bass", "pairs two speakers"),
    ),
    TypeSpec(
        "Laptop",
        {
            "color": ["silver", "space grey", "black"],
            "ram": ["8GB", "16GB", "32GB"],
            "storage": ["256GB SSD", "512GB SSD", "1TB SSD"],
            "screen size": ["13-inch", "14-inch", "15-inch", "16-inch"],
        },
        (450, 3200),
        ("Quantix", "Aero Computing", "Vertex"),
        ("all-day battery", "backlit keyboard", "fast charging"),
    ),
    TypeSpec(
        "Smartphone",
        {
            "color": COLORS,
            "storage": ["64GB", "128GB", "256GB", "512GB"],
            "screen size": ["6.1-inch", "6.5-inch", "6.7-inch"],
        },
        (150, 1400),
        ("Quantix", "Vertex", "Nova Mobile"),
        ("triple camera", "OLED display", "5G"),
    ),
    TypeSpec(
        "Coffee Maker",
        {
            "color": ["black", "stainless steel", "white", "red"],
            "capacity": ["4 cups", "8 cups", "12 cups"],
            "type": ["drip", "pour-over", "french press", "single serve"],
        },
        (20, 350),
        ("Brewhaus", "Morning Co", "Kettle & Co"),
        ("programmable timer", "keep-warm plate", "reusable filter"),
    ),
    TypeSpec(
        "Electric Kettle",
        {
            "color": ["black", "white", "stainless steel", "green"],
            "capacity": ["1L", "1.5L", "1.7L"],
            "material": ["glass", "stainless steel", "plastic"],
        },
        (18, 150),
        ("Kettle & Co", "Brewhaus", "Morning Co"),
        ("rapid boil", "auto shut-off", "temperature presets"),
    ),
    TypeSpec(
        "Yoga Mat",
        {
            "color": COLORS,
            "thickness": ["3mm", "5mm", "6mm", "8mm"],
            "material": ["TPE", "natural rubber", "PVC", "cork"],
        },
        (15, 130),
        ("Zenflow", "Summit Gear", "Balance Lab"),
        ("non-slip surface", "carry strap", "alignment lines"),
    ),
    TypeSpec(
        "Water Bottle",
        {
            "color": COLORS,
            "capacity": ["500ml", "750ml", "1L"],
            "material": ["stainless steel", "plastic", "glass"],
        },
        (8, 60),
        ("Hydra", "Trailhead", "Zenflow"),
        ("keeps drinks cold 24 hours", "leak-proof lid", "dishwasher safe"),
    ),
    TypeSpec(
        "Desk Lamp",
        {
            "color": ["black", "white", "brass", "silver"],
            "brightness": ["400 lumens", "800 lumens", "1200 lumens"],
            "power source": ["USB", "AC adapter", "battery"],
        },
        (15, 180),
        ("Lumen House", "Brightside", "Vertex"),
        ("dimmable", "adjustable arm", "warm and cool light"),
    ),
    TypeSpec(
        "Office Chair",
        {
            "color": ["black", "grey", "blue", "white"],
            "material": ["mesh", "leather", "fabric"],
            "armrest": ["fixed", "adjustable", "none"],
        },
        (60, 900),
        ("Ergonomica", "Seatwell", "Vertex"),
        ("lumbar support", "tilt lock", "breathable back"),
    ),
    TypeSpec(
        "Smart Watch",
        {
            "color": COLORS,
            "band material": ["silicone", "leather", "metal"],
            "display": ["AMOLED", "LCD"],
        },
        (60, 700),
        ("Pulse", "Quantix", "Nova Mobile"),
        ("heart-rate tracking", "GPS", "7-day battery"),
    ),
    TypeSpec(
        "Sunglasses",
        {
            "frame color": ["black", "tortoise", "gold", "silver"],
            "lens type": ["polarized", "non-polarized"],
            "lens color": ["grey", "green", "brown", "blue"],
        },
        (15, 320),
        ("Solara", "Urbanite", "Trailhead"),
        ("UV400 protection", "scratch-resistant lenses", "lightweight frame"),
    ),
    TypeSpec(
        "Jigsaw Puzzle",
        {
            "pieces": ["500", "1000", "1500", "2000"],
            "theme": ["animals", "landscape", "art", "fantasy"],
            "difficulty level": ["beginner", "intermediate", "expert"],
        },
        (10, 60),
        ("Puzzlecraft", "Mindful Play", "Tessera"),
        ("thick interlocking pieces", "poster included", "matte finish"),
    ),
]

_SERIES_A = [
    "Aero",
    "Nova",
    "Terra",
    "Luma",
    "Apex",
    "Core",
    "Flux",
    "Pure",
    "Zen",
    "Echo",
    "Vista",
    "Orbit",
    "Prime",
    "Summit",
    "Tide",
    "Ember",
    "Frost",
    "Atlas",
    "Drift",
    "Halo",
]
_SERIES_B = ["One", "Pro", "Lite", "Max", "Air", "Plus", "Go", "Edge", "Classic", "Sport"]
_OPENERS = [
    "Designed for everyday use,",
    "Built for comfort and durability,",
    "A customer favorite,",
    "Made with care,",
    "Our best-selling design,",
    "Updated for this season,",
]


def _product(index: int, rng: random.Random, max_variants: int) -> Product:
    spec = rng.choice(TYPES)
    brand = rng.choice(spec.brands)
    series = f"{rng.choice(_SERIES_A)} {rng.choice(_SERIES_B)}"
    low, high = spec.price
    base = rng.uniform(low, high)
    keys = list(spec.options)
    variants = []
    seen: set[tuple[str, ...]] = set()
    for n in range(rng.randint(1, max_variants)):
        options = {k: rng.choice(spec.options[k]) for k in keys}
        signature = tuple(options.values())
        if signature in seen:
            continue
        seen.add(signature)
        price = round(max(low, min(high, base * rng.uniform(0.85, 1.2))), 2) - 0.01
        variants.append(
            Variant(
                item_id=f"syn-{index:07d}-{n}",
                options=options,
                price=max(price, 0.99),
                available=rng.random() < 0.8,
                sku=f"{brand[:3].upper()}-{index:07d}-{n}",
            )
        )
    points = rng.sample(spec.points, k=min(2, len(spec.points)))
    description = (
        f"{rng.choice(_OPENERS)} the {brand} {series} {spec.name.lower()} features "
        f"{points[0]} and {points[-1]}."
    )
    return Product(
        product_id=f"syn-{index:07d}",
        name=f"{brand} {series} {spec.name}",
        product_type=spec.name,
        brand=brand,
        description=description,
        tags=rng.sample(
            ["new", "sale", "bestseller", "eco", "gift", "limited"], k=rng.randint(0, 2)
        ),
        variants=variants,
    )


def iter_products(n_products: int, seed: int = 0, max_variants: int = 3) -> Iterator[Product]:
    """Yield `n_products` synthetic products (1 to `max_variants` variants each), seeded."""
    rng = random.Random(seed)
    for index in range(n_products):
        yield _product(index, rng, max_variants)


def generate_catalog(n_products: int, seed: int = 0, max_variants: int = 3) -> list[Product]:
    """A list of `n_products` synthetic products; 10k, 100k and 1M are the benchmark sizes."""
    return list(iter_products(n_products, seed, max_variants))


def catalog_with_items(n_items: int, seed: int = 0, max_variants: int = 3) -> list[Product]:
    """Products whose variants add up to exactly `n_items` (the last one is trimmed)."""
    products: list[Product] = []
    total = 0
    for product in iter_products(10**9, seed, max_variants):
        if total + len(product.variants) >= n_items:
            keep = n_items - total
            products.append(product.model_copy(update={"variants": product.variants[:keep]}))
            return products
        products.append(product)
        total += len(product.variants)
    return products
