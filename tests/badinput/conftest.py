"""Fixtures of the bad-input suite: a real shop (SQLite τ² world, Chroma + bm25s indexes)
per module, the CLI pointed at it, and the table of figures printed after the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.services import Services
from tests.badinput import figures
from tests.interfaces.conftest import build_shop
from tests.interfaces.support import ShopScript, shop_services


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """A shop of its own for the module, and the CLI's `build_services` returning it."""
    services = shop_services(build_shop(tmp_path_factory.mktemp("shop")), ShopScript())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("assistant.services.build_services", lambda settings=None: services)
        yield services


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A folder for the test's bad files."""
    return tmp_path


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print every bad input's error and the stored counts around it."""
    if not figures.ROWS:
        return
    terminalreporter.section("bad input: errors shown and what was stored (products store/index)")
    for line in figures.table(figures.ROWS):
        terminalreporter.write_line(line)
