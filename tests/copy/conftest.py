"""A small hand-made catalog for the copy tests: none of it comes from τ²."""

from __future__ import annotations

import pytest

from assistant.copy import CopyChecker
from retrieval.catalog import Product, Variant


def _variants(prefix: str, rows: list[tuple[dict[str, str], float, bool]]) -> list[Variant]:
    return [
        Variant(item_id=f"{prefix}-{i}", options=options, price=price, available=available)
        for i, (options, price, available) in enumerate(rows)
    ]


@pytest.fixture(scope="session")
def catalog() -> dict[str, Product]:
    """Four products of an outdoor-and-kitchen shop, by short name."""
    jacket = Product(
        product_id="jacket",
        name="Ridge Shell",
        product_type="Rain Jacket",
        brand="Northpeak",
        description="A packable shell with taped seams.",
        tags=["waterproof", "recycled"],
        variants=_variants(
            "j",
            [
                ({"color": "black", "size": "S", "material": "nylon"}, 120.0, True),
                ({"color": "black", "size": "M", "material": "nylon"}, 120.0, True),
                ({"color": "olive", "size": "L", "material": "nylon"}, 135.5, False),
            ],
        ),
    )
    mug = Product(
        product_id="mug",
        name="Camp Mug",
        product_type="Travel Mug",
        brand="Emberware",
        description="Keeps drinks hot on the road.",
        tags=["dishwasher-safe"],
        variants=_variants(
            "m",
            [
                ({"capacity": "350ml", "color": "red", "material": "stainless steel"}, 24.99, True),
                (
                    {"capacity": "500ml", "color": "white", "material": "stainless steel"},
                    29.99,
                    True,
                ),
            ],
        ),
    )
    fan = Product(
        product_id="fan",
        name="Breezo Desk Fan",
        product_type="Fan",
        brand="Breezo",
        variants=_variants(
            "f",
            [
                ({"power source": "USB", "color": "white", "connectivity": "wireless"}, 39.0, True),
                (
                    {"power source": "battery", "color": "blue", "connectivity": "wired"},
                    42.0,
                    False,
                ),
            ],
        ),
    )
    block = Product(
        product_id="block",
        name="Studio Block",
        product_type="Yoga Block",
        variants=_variants(
            "b",
            [
                ({"material": "cork", "color": "blue", "waterproof": "no"}, 15.0, True),
                ({"material": "foam", "color": "blue", "waterproof": "no"}, 12.0, True),
            ],
        ),
    )
    return {p.product_id: p for p in (jacket, mug, fan, block)}


@pytest.fixture(scope="session")
def checker(catalog: dict[str, Product]) -> CopyChecker:
    """A checker learned from the hand-made catalog."""
    return CopyChecker.for_catalog(catalog.values())
