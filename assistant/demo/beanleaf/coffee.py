"""Bean & Leaf's coffees: single origins and blends by roast, origin, grind and bag size."""

from __future__ import annotations

from assistant.demo.beanleaf.specs import (
    BAG_SIZE,
    GRIND,
    HOUSE_BRAND,
    ORIGIN,
    ROAST,
    ProductSpec,
    Value,
    tier,
    values,
)

GRINDS = {
    "whole bean": "WB",
    "espresso": "ES",
    "moka pot": "MP",
    "pour-over": "PO",
    "drip": "DR",
    "french press": "FP",
}
# Which grinds a roast is sold in: light roasts are not ground for espresso, dark ones not
# for pour-over; every coffee is sold as whole beans.
GRINDS_FOR_ROAST = {
    "light": ("whole bean", "pour-over", "drip", "french press"),
    "medium": ("whole bean", "espresso", "pour-over", "drip", "french press"),
    "dark": ("whole bean", "espresso", "moka pot", "drip", "french press"),
}
BLEND_GRINDS = ("whole bean", "espresso", "drip", "french press")
ESPRESSO_GRINDS = ("whole bean", "espresso", "moka pot")
BAGS = {
    "250g": Value("250g", "250"),
    "500g": Value("500g", "500", 1.8),
    "1kg": Value("1kg", "1K", 3.2),
}
ROAST_CODES = {"light": "L", "medium": "M", "dark": "D"}


def coffee(
    code: str,
    name: str,
    origin: str,
    roasts: tuple[str, ...],
    notes: tuple[str, ...],
    base: float,
    *,
    region: str | None = None,
    process: str | None = None,
    grinds: tuple[str, ...] | None = None,
    bags: tuple[str, ...] = ("250g", "1kg"),
    certified: tuple[str, ...] = (),
    components: tuple[str, ...] = (),
    decaf: bool = False,
) -> ProductSpec:
    """A coffee: roast, origin, grind and bag size options; region, process and notes facts."""
    if grinds is None:
        grinds = GRINDS_FOR_ROAST[roasts[0]] if len(roasts) == 1 else BLEND_GRINDS
    facts: list[tuple[str, str]] = []
    if region:
        facts.append(("region", region))
    if process:
        facts.append(("process", process))
    facts += [("component", c) for c in components]
    facts += [("notes", n) for n in notes]
    facts += [("certified", c) for c in certified]
    if decaf:
        facts.append(("caffeine", "decaf"))
    return ProductSpec(
        code=code,
        name=name,
        product_type="Coffee Beans",
        brand=HOUSE_BRAND,
        kind="coffee",
        base_price=base,
        options=(
            values(ROAST, *((r, ROAST_CODES[r]) for r in roasts)),
            values(ORIGIN, (origin, "")),
            values(GRIND, *((g, GRINDS[g]) for g in grinds)),
            values(BAG_SIZE, *(BAGS[b] for b in bags)),
        ),
        facts=tuple(facts),
        tags=("coffee", "blend" if components else "single origin"),
        consumable=True,
        sku_order=(ROAST, BAG_SIZE, GRIND),
        tier=tier(base, 16.0, 20.0),
    )


COFFEES = (
    coffee(
        "YRG",
        "Yirgacheffe Kochere",
        "Ethiopia",
        ("light",),
        ("jasmine", "bergamot", "lemon"),
        19.5,
        region="Yirgacheffe",
        process="washed",
    ),
    coffee(
        "GUJ",
        "Guji Hambela",
        "Ethiopia",
        ("light",),
        ("blueberry", "strawberry", "cocoa nib"),
        21.0,
        region="Guji",
        process="natural",
    ),
    coffee(
        "NYR",
        "Nyeri Peaberry",
        "Kenya",
        ("light",),
        ("blackcurrant", "grapefruit", "brown sugar"),
        22.5,
        region="Nyeri",
        process="washed",
    ),
    coffee(
        "HUI",
        "Huila Supremo",
        "Colombia",
        ("medium",),
        ("caramel", "red apple", "milk chocolate"),
        17.0,
        region="Huila",
        process="washed",
        bags=("250g", "500g", "1kg"),
        certified=("fair trade",),
    ),
    coffee(
        "ANT",
        "Antigua La Soledad",
        "Guatemala",
        ("medium",),
        ("cocoa", "toffee", "orange peel"),
        18.0,
        region="Antigua",
        process="washed",
    ),
    coffee(
        "TAR",
        "Tarrazú Honey",
        "Costa Rica",
        ("medium",),
        ("apricot", "cane sugar", "almond"),
        19.0,
        region="Tarrazú",
        process="honey",
    ),
    coffee(
        "PER",
        "Cajamarca Cooperative",
        "Peru",
        ("medium",),
        ("walnut", "plum", "milk chocolate"),
        16.5,
        region="Cajamarca",
        process="washed",
        bags=("250g", "500g", "1kg"),
        certified=("organic", "fair trade"),
    ),
    coffee(
        "CER",
        "Cerrado Mineiro",
        "Brazil",
        ("medium", "dark"),
        ("hazelnut", "cocoa", "brown sugar"),
        15.0,
        region="Cerrado Mineiro",
        process="natural",
    ),
    coffee(
        "SUM",
        "Sumatra Mandheling",
        "Indonesia",
        ("dark",),
        ("cedar", "molasses", "dark chocolate"),
        17.5,
        region="North Sumatra",
        process="wet-hulled",
    ),
    coffee(
        "HSE",
        "House Blend",
        "blend",
        ("medium", "dark"),
        ("milk chocolate", "almond", "caramel"),
        14.0,
        components=("Brazil", "Colombia"),
        bags=("250g", "500g", "1kg"),
    ),
    coffee(
        "NSE",
        "Night Shift Espresso",
        "blend",
        ("dark",),
        ("dark chocolate", "cherry", "molasses"),
        16.0,
        components=("Brazil", "Ethiopia"),
        grinds=ESPRESSO_GRINDS,
        bags=("250g", "500g", "1kg"),
    ),
    coffee(
        "DEC",
        "Swiss Water Decaf",
        "Colombia",
        ("medium",),
        ("caramel", "cocoa", "red grape"),
        18.0,
        region="Cauca",
        process="Swiss Water",
        decaf=True,
    ),
)
