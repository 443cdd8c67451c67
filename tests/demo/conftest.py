"""Fixtures for the generated demo store: one generated store per seed per run."""

from __future__ import annotations

import pytest

from assistant.demo.beanleaf import BeanleafStore, generate

SEEDS = (0, 1, 2, 3, 4)


@pytest.fixture(scope="session")
def stores() -> dict[int, BeanleafStore]:
    """Bean & Leaf generated with each of `SEEDS` (generation takes ~0.1 s each)."""
    return {seed: generate(seed) for seed in SEEDS}


@pytest.fixture(scope="session")
def shop(stores: dict[int, BeanleafStore]) -> BeanleafStore:
    """The default store (seed 0), the one `shopassist data demo --store beanleaf` loads."""
    return stores[0]
