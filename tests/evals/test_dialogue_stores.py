"""Dialogues on either demo store: each store's bench world has its own template and indexes.

Real parts: Bean & Leaf generated and loaded by its own loader (SQLite, Chroma, MiniLM) into
the bench's work folder; a configured data dir holding another catalog (a stand-in for the
τ² store, whose records come from a small τ²-shaped db). The chat model is scripted: the
turns below are ones the engine plans itself (a cart add of a typed id).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.llm.scripted import ScriptedModel
from assistant.services import Services
from assistant.settings import Settings
from evals.dialogues.model import Dialogue
from evals.dialogues.run import Bench, run_dialogue
from evals.dialogues.stores import open_world
from retrieval import open_indexes
from retrieval.catalog import Product, Variant

pytestmark = pytest.mark.slow

LAMP = Product(
    product_id="9000000001",
    name="Desk Lamp",
    product_type="Lamp",
    variants=[Variant(item_id="1000000001", options={"color": "red"}, price=9.0)],
)


def _tau2_like_db() -> dict[str, Any]:
    variant = {"item_id": "1000000001", "options": {"color": "red"}, "available": True}
    return {
        "products": {
            "9000000001": {
                "name": "Desk Lamp",
                "product_id": "9000000001",
                "variants": {"1000000001": {**variant, "price": 9.0}},
            }
        },
        "users": {},
        "orders": {},
    }


def _cart_dialogue(store: str, text: str, item: str) -> Dialogue:
    return Dialogue.model_validate(
        {
            "id": f"add-{store}",
            "category": "cart",
            "title": "an add by a typed id",
            "store": store,
            "turns": [
                {
                    "user": text,
                    "expect": {"calls": [{"tool": "add_to_cart", "args": {"item_id": item}}]},
                }
            ],
            "final": {"cart": [{"item_id": item, "quantity": 1}]},
        }
    )


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    """A bench over a configured data dir holding only the lamp, with both worlds built."""
    configured = tmp_path_factory.mktemp("configured")
    settings = Settings(data_dir=configured)
    catalog, _ = open_indexes(configured, settings.embedding_model)
    catalog.ingest([LAMP])
    catalog.close()
    workdir = tmp_path_factory.mktemp("work")
    model = ScriptedModel(lambda request: "Done.")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("assistant.demo.tau2_data.retail_db", _tau2_like_db)
        bench = Bench(settings, model, Services(settings), workdir)
        bench.prepare(["beanleaf", "tau2", "beanleaf"])
    return bench


def test_each_store_has_its_own_template_and_indexes(bench: Bench) -> None:
    beanleaf, tau2 = bench.world("beanleaf"), bench.world("tau2")
    assert set(bench.worlds) == {"beanleaf", "tau2"}
    assert (len(beanleaf.initial["users"]), len(beanleaf.initial["orders"])) == (150, 400)
    assert "#BL100101" in beanleaf.initial["orders"]
    assert list(tau2.initial["products"]) == ["9000000001"]
    assert beanleaf.template.is_file() and tau2.template.is_file()

    # Bean & Leaf was loaded into the work folder; the configured data dir kept its catalog.
    own = beanleaf.services.settings
    assert own.data_dir == bench.workdir / "beanleaf-data"
    assert own.chroma_url is None and own.sqlalchemy_url.startswith(f"sqlite:///{own.data_dir}")
    bl_catalog, bl_faq = beanleaf.services.indexes
    assert bl_catalog.get_product("BL-P0001") is not None
    assert bl_catalog.get_product("9000000001") is None
    assert "returns.md" in bl_faq.sources()
    assert tau2.services is bench.services
    configured_catalog, _ = bench.services.indexes
    assert [p.product_id for p in configured_catalog.products()] == ["9000000001"]

    # Each dialogue's engine searches its own store's catalog, with its store's detector.
    with bench.fresh_store("beanleaf", "check-bl") as store:
        engine = bench.engine("beanleaf", store)
        assert engine.catalog is bl_catalog
        assert engine.gate.detector is beanleaf.services.requests
    with bench.fresh_store("tau2", "check-tau2") as store:
        assert bench.engine("tau2", store).catalog is configured_catalog


def test_a_beanleaf_dialogue_runs_on_the_beanleaf_store(bench: Bench) -> None:
    text = "Please add one BL-PFL-02-UNB to my cart."
    dialogue = _cart_dialogue("beanleaf", text, "BL-PFL-02-UNB")
    result = run_dialogue(bench, dialogue, 0)
    assert result.error is None
    assert [c.name for c in result.turns[0].calls] == ["add_to_cart"]
    assert result.turns[0].problems == [] and result.state_problems == []


def test_a_tau2_dialogue_still_runs_on_the_configured_indexes(bench: Bench) -> None:
    dialogue = _cart_dialogue("tau2", "Please add one 1000000001 to my cart.", "1000000001")
    result = run_dialogue(bench, dialogue, 0)
    assert result.error is None
    assert result.turns[0].problems == [] and result.state_problems == []


def test_an_unknown_store_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown demo store 'corner-shop'; known: tau2, beanleaf"):
        open_world("corner-shop", Settings(data_dir=tmp_path), tmp_path)
