"""Fixtures for dialogue-engine tests: the real τ² retail world in a real SQLite store."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from assistant.demo.tau2_data import RETAIL_DATA, read_member
from assistant.store import Store
from retrieval.catalog import Product, Variant
from retrieval.chroma import make_client
from retrieval.search import CatalogIndex
from tests.support import HashingEmbedder
from tests.support import tau2_cache as shared_tau2_cache


@pytest.fixture(scope="session")
def tau2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data-dir cache holding the τ² wheel, so nothing is downloaded."""
    return shared_tau2_cache(tmp_path_factory.mktemp("data") / "cache")


@pytest.fixture(scope="session")
def tau2_db(tau2_cache: Path) -> dict[str, Any]:
    """The τ² retail database (`db.json`)."""
    return json.loads(read_member(RETAIL_DATA + "db.json", tau2_cache))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, tau2_db: dict[str, Any]) -> Path:
    """A SQLite file loaded once with the τ² world; each test works on a copy."""
    path = tmp_path_factory.mktemp("template") / "store.sqlite"
    store = Store(f"sqlite:///{path}")
    store.create_all()
    store.load_tau2(tau2_db)
    store.close()
    return path


@pytest.fixture
def store(tmp_path: Path, template_db: Path) -> Iterable[Store]:
    """A fresh store holding the τ² world."""
    path = tmp_path / "store.sqlite"
    shutil.copy(template_db, path)
    store = Store(f"sqlite:///{path}")
    yield store
    store.close()


PRODUCTS = ("T-Shirt", "Running Shoes", "Backpack", "Water Bottle", "Desk Lamp")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory, tau2_db: dict[str, Any]) -> CatalogIndex:
    products = [
        Product(
            product_id=p["product_id"],
            name=p["name"],
            product_type=p["name"],
            description=f"A {p['name'].lower()} from the demo store.",
            variants=[Variant(**v) for v in p["variants"].values()],
        )
        for p in tau2_db["products"].values()
        if p["name"] in PRODUCTS
    ]
    folder: Path = tmp_path_factory.mktemp("catalog")
    index = CatalogIndex(make_client(), HashingEmbedder(), folder, collection="engine_tests")
    index.ingest(products)
    return index
