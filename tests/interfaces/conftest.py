"""Fixtures of the interface tests: a real data dir (SQLite store holding the τ² world,
Chroma + bm25s catalog and FAQ indexes), and the services over it with a scripted model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.demo.tau2_data import RETAIL_DATA, read_member
from assistant.services import Services
from assistant.store import Store
from tests.interfaces.support import (
    PRODUCTS,
    ShopScript,
    open_test_indexes,
    shop_services,
    uvicorn_server,
)
from tests.support import tau2_cache

FAQ_DIR = Path(__file__).resolve().parents[2] / "assistant" / "demo" / "faq"


def build_shop(data_dir: Path) -> Path:
    """Fill `data_dir` with the store (τ² world) and search indexes over a few products."""
    from retrieval.importers.tau2 import import_tau2

    cache = tau2_cache(data_dir / "cache")
    db = json.loads(read_member(RETAIL_DATA + "db.json", cache))
    store = Store(f"sqlite:///{data_dir / 'store.sqlite'}")
    store.create_all()
    store.load_tau2(db)
    store.close()
    catalog, faq = open_test_indexes(data_dir)
    catalog.ingest([p for p in import_tau2(db).products if p.name in PRODUCTS])
    faq.ingest_pages(sorted(FAQ_DIR.glob("*.md")))
    return data_dir


@pytest.fixture(scope="session")
def shop_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the store (τ² world) and search indexes over a few products."""
    return build_shop(tmp_path_factory.mktemp("shop"))


@pytest.fixture(scope="session")
def script() -> ShopScript:
    """The scripted model's logic, shared by every scripted service."""
    return ShopScript()


@pytest.fixture(scope="session")
def services(shop_data_dir: Path, script: ShopScript) -> Services:
    """The real composition root over the test shop, with the scripted chat model."""
    return shop_services(shop_data_dir, script)


@pytest.fixture(scope="session")
def store(services: Services) -> Any:
    """The services' store."""
    return services.store


@pytest.fixture(scope="module")
def api_url(services: Services) -> Iterator[str]:
    """The storefront API under a real uvicorn server on a loopback port."""
    from assistant.api import create_api

    with uvicorn_server(create_api(services, max_body_bytes=16 * 1024)) as url:
        yield url
