"""Fixtures of the security suite: a real shop (SQLite τ² world, Chroma + bm25s indexes) per
module, behind the storefront API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.services import Services
from tests.interfaces.conftest import build_shop
from tests.interfaces.support import ShopScript, shop_services
from tests.security import figures


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """A shop of its own for the module."""
    yield shop_services(build_shop(tmp_path_factory.mktemp("shop")), ShopScript())


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print what each security check measured."""
    if not figures.LINES:
        return
    terminalreporter.section("security: what each check measured")
    for line in figures.LINES:
        terminalreporter.write_line(line)
