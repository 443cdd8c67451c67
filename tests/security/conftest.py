"""Fixtures of the security suite: a real shop (SQLite τ² world, Chroma + bm25s indexes) per
module, behind the storefront API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.services import Services
from tests.interfaces.conftest import build_shop
from tests.interfaces.support import ShopScript, shop_services


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """A shop of its own for the module."""
    yield shop_services(build_shop(tmp_path_factory.mktemp("shop")), ShopScript())
