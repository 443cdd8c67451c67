"""The copy desk on a real catalog index (embedded Chroma, BM25) and a real SQLite store:
drafts are kept with their findings, a batch resumes, and approved copy is what search reads.

The listings come from a scripted model: what is proven here is the desk (storage, resume,
approval, re-indexing), not the served model's writing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.copy.desk import CopyDesk
from assistant.llm.scripted import ScriptedModel
from assistant.store import Store
from assistant.tools.registry import ToolError
from retrieval.catalog import Product
from retrieval.chroma import make_client
from retrieval.embeddings import load_embedder
from retrieval.search import CatalogIndex


def _listing(short: str, colour: str = "red or white") -> str:
    return json.dumps(
        {
            "title": "Camp Mug",
            "short_description": short,
            "bullets": [f"Comes in {colour}", "350ml or 500ml"],
            "meta_description": "Camp mug in stainless steel, from $24.99.",
        }
    )


@pytest.fixture(scope="module")
def embedder():  # type: ignore[no-untyped-def]
    return load_embedder("bundled:all-MiniLM-L6-v2")


@pytest.fixture
def index(tmp_path: Path, embedder, catalog: dict[str, Product]) -> CatalogIndex:  # type: ignore[no-untyped-def]
    built = CatalogIndex(make_client(tmp_path / "chroma"), embedder, tmp_path / "lexical")
    built.ingest(catalog.values())
    return built


@pytest.fixture
def store(tmp_path: Path, catalog: dict[str, Product]) -> Iterator[Store]:
    made = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    made.create_all()
    made.upsert_products(catalog.values())
    yield made
    made.close()


def test_a_product_is_found_by_a_word_only_its_approved_copy_has(
    index: CatalogIndex, store: Store
) -> None:
    word = "trailhead"
    desk = CopyDesk(
        ScriptedModel([_listing(f"A stainless steel mug for {word} mornings.")]), index, store
    )
    draft = desk.write("mug", tone="warm", audience="campers")
    assert draft.passed and draft.status == "draft"
    assert word not in index.get_product("mug").description  # type: ignore[union-attr]

    approved = desk.approve(draft.draft_id)

    assert approved.status == "approved"
    assert word in store.catalog_products(["mug"])[0].description  # the catalog of record
    stored = index.get_product("mug")
    assert stored is not None and word in stored.description
    assert index.search(word, None, 5).hits[0].product_id == "mug"
    assert [d.status for d in store.copy_drafts("mug")] == ["approved"]


def test_a_draft_that_fails_the_check_is_kept_with_its_problems(
    index: CatalogIndex, store: Store
) -> None:
    wrong = _listing("A stainless steel mug.", colour="olive")
    desk = CopyDesk(ScriptedModel([wrong, wrong]), index, store, max_attempts=2)
    draft = desk.write("mug")
    assert not draft.passed and draft.attempts == 2
    assert any("olive" in p for p in draft.problems)
    assert store.copy_draft(draft.draft_id) is not None


def test_approving_a_second_draft_supersedes_the_first(index: CatalogIndex, store: Store) -> None:
    desk = CopyDesk(
        ScriptedModel(lambda _: _listing("A sturdy stainless steel mug.")), index, store
    )
    first, second = desk.write("mug"), desk.write("mug", tone="playful")
    desk.approve(first.draft_id)
    desk.approve(second.draft_id, {"title": "Camp Mug, edited"})
    statuses = {d.draft_id: d.status for d in store.copy_drafts("mug")}
    assert statuses == {first.draft_id: "superseded", second.draft_id: "approved"}
    assert index.get_product("mug").description.startswith("Camp Mug, edited")  # type: ignore[union-attr]


def test_a_batch_resumes_where_it_stopped(
    index: CatalogIndex, store: Store, catalog: dict[str, Product]
) -> None:
    done: list[str] = []

    def interrupted(product_id: str, position: int, total: int) -> None:
        if position == 2:
            raise KeyboardInterrupt
        done.append(product_id)

    model = ScriptedModel(lambda _: _listing("A stainless steel mug."))
    desk = CopyDesk(model, index, store, max_attempts=1)
    with pytest.raises(KeyboardInterrupt):
        desk.write_all(tone="warm", progress=interrupted)
    assert len(store.copy_drafts()) == 2

    summary = desk.write_all(tone="warm")

    assert summary.skipped == 2 and summary.written == len(catalog) - 2
    assert len(store.copy_drafts()) == len(catalog)
    assert desk.write_all(tone="warm").written == 0
    assert desk.write_all(tone="playful").written == len(catalog)


def test_unknown_products_and_drafts_are_clear_errors(index: CatalogIndex, store: Store) -> None:
    desk = CopyDesk(ScriptedModel([]), index, store)
    with pytest.raises(ToolError, match="no product 'nope'"):
        desk.write("nope")
    with pytest.raises(ToolError, match="no copy draft 41"):
        desk.approve(41)
