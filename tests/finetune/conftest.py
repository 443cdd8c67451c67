"""Fixtures for the fine-tuning tests: a small demo world on real Chroma, BM25 and SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.demo.tau2_data import RETAIL_DATA, read_member
from assistant.finetune.examples import Example, Renderer, group_records
from assistant.finetune.oracle import CallRecord, say, tool_call
from assistant.finetune.world import FAQ_DIR, DemoWorld, build_world
from prompts import CHAT_TEMPLATE
from tests.support import HashingEmbedder
from tests.support import tau2_cache as shared_tau2_cache


@pytest.fixture(scope="session")
def tau2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the τ² wheel (a local copy when there is one)."""
    return shared_tau2_cache(tmp_path_factory.mktemp("ft-data") / "cache")


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


@pytest.fixture(scope="session")
def smoke_examples(tokenizer: Any) -> list[Example]:
    """Two tiny training sequences (a search call, a refusal) for smoke training runs."""
    from assistant.tools import default_registry

    # No tool list in the prompt: short sequences keep the smoke run to seconds.
    renderer = Renderer(tokenizer, CHAT_TEMPLATE.read_text(), [])
    registry = default_registry()
    system = {"role": "system", "content": "You are the store's assistant."}
    records = [
        CallRecord(
            [system, {"role": "user", "content": "Show me blue t-shirts"}],
            tool_call(registry, "search_products", query="blue t-shirts"),
        ),
        CallRecord(
            [system, {"role": "user", "content": "What's the weather?"}],
            say("refuse", "Sorry, I can only help with the store."),
        ),
    ]
    return [
        example
        for n, record in enumerate(records)
        for example in group_records([record], renderer, conversation=f"c{n}", split="train")
    ]
