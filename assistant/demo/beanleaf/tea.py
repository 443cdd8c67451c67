"""Bean & Leaf's loose-leaf teas by tea type, size and packaging."""

from __future__ import annotations

from assistant.demo.beanleaf.specs import (
    HOUSE_BRAND,
    PACKAGING,
    SIZE,
    TEA_TYPE,
    ProductSpec,
    Value,
    tier,
    values,
)

TEA_SIZES = {
    "50g": Value("50g", "50"),
    "100g": Value("100g", "100", 1.8),
    "250g": Value("250g", "250", 3.8),
}
TEA_PACKAGING = {"refill pouch": Value("refill pouch", "PCH"), "tin": Value("tin", "TIN", add=4.0)}


def tea(
    code: str,
    name: str,
    tea_type: str,
    notes: tuple[str, ...],
    steep: str,
    base: float,
    *,
    origin: str,
    region: str | None = None,
    sizes: tuple[str, ...] = ("50g", "100g"),
    packaging: tuple[str, ...] = ("refill pouch",),
    ingredients: str | None = None,
    caffeine_free: bool = False,
    certified: tuple[str, ...] = (),
) -> ProductSpec:
    """A loose-leaf tea: tea type, size and packaging options; origin and brewing facts."""
    facts: list[tuple[str, str]] = [("origin", origin)]
    if region:
        facts.append(("region", region))
    if ingredients:
        facts.append(("ingredients", ingredients))
    facts += [("notes", n) for n in notes]
    facts.append(("steep", steep))
    facts += [("certified", c) for c in certified]
    if caffeine_free:
        facts.append(("caffeine", "caffeine-free"))
    return ProductSpec(
        code=code,
        name=name,
        product_type="Loose-Leaf Tea",
        brand=HOUSE_BRAND,
        kind="tea",
        base_price=base,
        options=(
            values(TEA_TYPE, (tea_type, "")),
            values(SIZE, *(TEA_SIZES[s] for s in sizes)),
            values(PACKAGING, *(TEA_PACKAGING[p] for p in packaging)),
        ),
        facts=tuple(facts),
        tags=("tea", "loose leaf"),
        consumable=True,
        fits=(tea_type,),
        tier=tier(base, 9.0, 14.0),
    )


TEAS = (
    tea(
        "DRG",
        "Dragonwell",
        "green",
        ("chestnut", "sweet pea"),
        "80°C for 2–3 minutes",
        12.0,
        origin="China",
        region="Zhejiang",
        packaging=("refill pouch", "tin"),
    ),
    tea(
        "SEN",
        "Kagoshima Sencha",
        "green",
        ("umami", "seaweed"),
        "70°C for 1–2 minutes",
        13.0,
        origin="Japan",
        region="Kagoshima",
        certified=("organic",),
    ),
    tea(
        "ASM",
        "Assam Breakfast",
        "black",
        ("malt", "honey"),
        "95°C for 4–5 minutes",
        9.0,
        origin="India",
        region="Assam",
        sizes=("100g", "250g"),
        packaging=("refill pouch", "tin"),
    ),
    tea(
        "DRJ",
        "Darjeeling First Flush",
        "black",
        ("muscatel", "wildflower"),
        "90°C for 3 minutes",
        16.0,
        origin="India",
        region="Darjeeling",
        packaging=("refill pouch", "tin"),
    ),
    tea(
        "EGR",
        "Earl Grey",
        "black",
        ("bergamot", "citrus"),
        "95°C for 3–4 minutes",
        9.5,
        origin="Sri Lanka",
        ingredients="Ceylon tea and bergamot oil",
        sizes=("50g", "100g", "250g"),
        packaging=("refill pouch", "tin"),
    ),
    tea(
        "TGY",
        "Tieguanyin",
        "oolong",
        ("orchid", "butter"),
        "90°C for 2–3 minutes",
        14.0,
        origin="China",
        region="Anxi, Fujian",
    ),
    tea(
        "SLV",
        "Silver Needle",
        "white",
        ("honeydew", "hay"),
        "80°C for 4–5 minutes",
        18.0,
        origin="China",
        region="Fuding, Fujian",
        sizes=("50g",),
        packaging=("refill pouch", "tin"),
    ),
    tea(
        "CHM",
        "Chamomile Blossom",
        "herbal",
        ("apple", "honey"),
        "100°C for 5 minutes",
        8.0,
        origin="Egypt",
        ingredients="whole chamomile flowers",
        packaging=("refill pouch", "tin"),
        caffeine_free=True,
    ),
    tea(
        "RVB",
        "Rooibos Vanilla",
        "herbal",
        ("vanilla", "toasted nut"),
        "100°C for 5–6 minutes",
        9.0,
        origin="South Africa",
        region="Cederberg",
        ingredients="rooibos and vanilla bean",
        sizes=("100g", "250g"),
        caffeine_free=True,
    ),
    tea(
        "PPM",
        "Peppermint Leaf",
        "herbal",
        ("cooling mint",),
        "100°C for 5 minutes",
        7.5,
        origin="United States",
        region="Willamette Valley, Oregon",
        ingredients="peppermint leaves",
        caffeine_free=True,
    ),
)
