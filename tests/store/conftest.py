"""Fixtures for store and customer-service tool tests: real SQLite files in tmp dirs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.store import Store
from assistant.store.models import SessionState
from assistant.tools.context import ToolContext
from tests.store.support import Clock, tau2_json, tiny_world
from tests.support import tau2_cache


@pytest.fixture
def clock() -> Clock:
    """A fixed clock for timestamps."""
    return Clock()


@pytest.fixture
def world() -> dict[str, Any]:
    """A fresh copy of the tiny retail world."""
    return tiny_world()


@pytest.fixture
def store(tmp_path: Path, world: dict[str, Any], clock: Clock) -> Iterator[Store]:
    """A SQLite store in a tmp dir holding the tiny world."""
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}", now=clock)
    store.create_all()
    store.load_tau2(world)
    yield store
    store.close()


@pytest.fixture
def ctx(store: Store) -> ToolContext:
    """A tool context on the tiny-world store."""
    return ToolContext(store=store, session=SessionState(session_id="test-session"))


@pytest.fixture(scope="session")
def tau2_db(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """τ²'s real retail database (`db.json`)."""
    return tau2_json("db.json", tau2_cache(tmp_path_factory.mktemp("data") / "cache"))
