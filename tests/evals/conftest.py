"""Fixtures for the τ² harness tests: the real retail tasks and world, read from the wheel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.tau2.tasks import Task, load_tasks
from evals.tau2.world import World
from tests.support import tau2_cache as shared_tau2_cache


@pytest.fixture(scope="session")
def tau2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data-dir cache holding the τ² wheel, so nothing is downloaded."""
    return shared_tau2_cache(tmp_path_factory.mktemp("data") / "cache")


@pytest.fixture(scope="session")
def tasks(tau2_cache: Path) -> dict[str, Task]:
    """All 114 retail tasks by id."""
    return {task.id: task for task in load_tasks("all", cache_dir=tau2_cache)}


@pytest.fixture(scope="session")
def world(tau2_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The retail world in a SQLite template (built once per test run)."""
    import json

    from assistant.demo.tau2_data import RETAIL_DATA, read_member

    db = json.loads(read_member(RETAIL_DATA + "db.json", tau2_cache))
    yield World(db, tmp_path_factory.mktemp("tau2-world"))
