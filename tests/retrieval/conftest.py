"""Fixtures for retrieval tests: one real embedding model per run, real Chroma in tmp dirs."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from retrieval.catalog import Product, Variant
from retrieval.chroma import make_client
from retrieval.embeddings import SentenceEmbedder, load_embedder
from retrieval.search import CatalogIndex


class CountingEmbedder:
    """The real model behind a memo, counting what is actually sent to it.

    Texts repeat a lot across small generated catalogs; the memo keeps property tests fast
    while every vector still comes from the real model.
    """

    def __init__(self, inner: SentenceEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.requested = 0
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.requested += len(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if todo:
            for text, vector in zip(todo, self.inner.encode(todo), strict=True):
                self._memo[text] = vector
        return np.stack([self._memo[t] for t in texts]) if texts else self.inner.encode([])


@pytest.fixture(scope="session")
def minilm() -> SentenceEmbedder:
    """The bundled all-MiniLM-L6-v2, loaded once (slow to load)."""
    return load_embedder("bundled:all-MiniLM-L6-v2")


@pytest.fixture
def embedder(minilm: SentenceEmbedder) -> CountingEmbedder:
    """A fresh counter over the shared model."""
    return CountingEmbedder(minilm)


@pytest.fixture
def make_index(tmp_path: Path, embedder: CountingEmbedder):
    """Build CatalogIndex objects on an embedded Chroma under tmp_path."""
    client = make_client(tmp_path / "chroma")

    def make(collection: str = "products") -> CatalogIndex:
        return CatalogIndex(client, embedder, tmp_path / "lexical", collection=collection)

    return make


def product(
    pid: str,
    ptype: str,
    variants: list[tuple[str, dict[str, str], float, bool]],
    *,
    name: str | None = None,
    brand: str | None = None,
    description: str = "",
) -> Product:
    """A product from compact variant tuples (item_id, options, price, available)."""
    return Product(
        product_id=pid,
        name=name or ptype,
        product_type=ptype,
        brand=brand,
        description=description,
        variants=[Variant(item_id=i, options=o, price=p, available=a) for i, o, p, a in variants],
    )


@pytest.fixture
def small_catalog() -> list[Product]:
    """A store of five products in the τ² style."""
    return small_catalog_products()


def small_catalog_products() -> list[Product]:
    """The five products of the `small_catalog` fixture (for fixtures of wider scope)."""
    return [
        product(
            "p-shirt",
            "T-Shirt",
            [
                ("s1", {"color": "blue", "size": "M", "material": "cotton"}, 24.99, True),
                ("s2", {"color": "blue", "size": "L", "material": "polyester"}, 29.50, False),
                ("s3", {"color": "red", "size": "M", "material": "cotton"}, 19.00, True),
                ("s4", {"color": "black", "size": "S", "material": "cotton"}, 45.00, True),
            ],
            description="A soft everyday tee.",
        ),
        product(
            "p-shoe",
            "Running Shoes",
            [
                ("r1", {"color": "white", "size": "9", "material": "mesh"}, 120.0, True),
                ("r2", {"color": "blue", "size": "10", "material": "mesh"}, 135.0, True),
            ],
            brand="Stride",
            description="Light running shoes with a cushioned sole.",
        ),
        product(
            "p-bag",
            "Backpack",
            [
                ("b1", {"color": "black", "compartment": "laptop", "size": "large"}, 79.0, True),
                ("b2", {"color": "green", "compartment": "camera", "size": "small"}, 65.0, False),
            ],
            description="A sturdy daypack.",
        ),
        product(
            "p-lamp",
            "Desk Lamp",
            [("l1", {"color": "white", "brightness": "high"}, 39.0, True)],
            description="An LED lamp for reading and work.",
        ),
        product(
            "p-kettle",
            "Electric Kettle",
            [("k1", {"capacity": "1.5L", "material": "glass"}, 55.0, True)],
            description="Boils water fast.",
        ),
    ]
