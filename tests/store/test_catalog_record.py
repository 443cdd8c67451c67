"""The store as the catalog of record: every field search reads is kept in SQL, read back as
the same product, and a data dir written before the store kept details is filled once from
the search index's copy (real SQLite, and a real catalog index for the fill)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.catalog_import import CatalogImportError, reindex_catalog
from assistant.services import fill_details_from_index
from assistant.store import Store
from assistant.store.errors import StoreError
from assistant.store.schema import ProductDetailsRow
from retrieval.catalog import Product, Variant
from retrieval.chroma import make_client
from retrieval.embeddings import load_embedder
from retrieval.search import CatalogIndex

LAMP = Product(
    product_id="lamp",
    name="Brass Desk Lamp",
    product_type="Desk Lamp",
    brand="Lumen & Co",
    description="A brass desk lamp with a linen shade.",
    tags=["lighting", "brass"],
    image_url="https://shop.example/lamp.jpg",
    variants=[
        Variant(item_id="lamp-s", options={"size": "small"}, price=59.0, sku="LMP-S"),
        Variant(item_id="lamp-l", options={"size": "large"}, price=79.0, available=False),
    ],
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    made = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    made.create_all()
    yield made
    made.close()


@pytest.fixture
def index(tmp_path: Path) -> Iterator[CatalogIndex]:
    made = CatalogIndex(
        make_client(tmp_path / "chroma"),
        load_embedder("bundled:all-MiniLM-L6-v2"),
        tmp_path / "lexical",
    )
    yield made
    made.close()


def test_a_product_reads_back_exactly_as_it_was_upserted(store: Store) -> None:
    store.upsert_products([LAMP])
    (back,) = store.catalog_products()
    assert back == LAMP
    assert back.content_hash() == LAMP.content_hash()  # search sees it unchanged
    assert store.ids_without_details() == []


def test_an_update_replaces_the_details_and_a_removal_drops_them(store: Store) -> None:
    store.upsert_products([LAMP])
    renamed = LAMP.model_copy(update={"brand": None, "tags": [], "description": "Brass."})
    store.upsert_products([renamed])
    assert store.catalog_products(["lamp"]) == [renamed]

    store.upsert_products([], remove=["lamp"])
    assert store.catalog_products() == []
    with store.transaction() as s:
        assert s.get(ProductDetailsRow, "lamp") is None


def test_approved_copy_is_the_products_description_in_the_store(store: Store) -> None:
    store.upsert_products([LAMP])
    draft = store.add_copy_draft("lamp", {}, {"title": "Lamp"}, [], passed=True, attempts=1)
    store.approve_copy_draft(draft.draft_id, description="Warm brass light for late reading.")
    (back,) = store.catalog_products()
    assert back.description == "Warm brass light for late reading."
    assert back.model_copy(update={"description": LAMP.description}) == LAMP


def test_approving_copy_for_a_product_that_left_changes_nothing(store: Store) -> None:
    store.upsert_products([LAMP])
    draft = store.add_copy_draft("lamp", {}, {"title": "Lamp"}, [], passed=True, attempts=1)
    store.upsert_products([], remove=["lamp"])
    with pytest.raises(StoreError, match="no product 'lamp'"):
        store.approve_copy_draft(draft.draft_id, description="Gone.")
    stored = store.copy_draft(draft.draft_id)
    assert stored is not None and stored.status == "draft"


def test_a_store_without_details_is_filled_once_from_the_index(
    store: Store, index: CatalogIndex
) -> None:
    store.upsert_products([LAMP])
    with store.transaction() as s:  # as a data dir from before the store kept details
        s.delete(s.get(ProductDetailsRow, "lamp"))
    bare = store.catalog_products()[0]
    assert bare.product_type == "Brass Desk Lamp" and bare.brand is None
    assert store.ids_without_details() == ["lamp"]

    index.ingest([LAMP])
    assert fill_details_from_index(store, index) == 1
    assert store.catalog_products() == [LAMP]
    assert fill_details_from_index(store, index) == 0


def test_search_is_reindexed_from_the_store(store: Store, index: CatalogIndex) -> None:
    stray = LAMP.model_copy(
        update={"product_id": "stray", "variants": [Variant(item_id="stray-1", price=5.0)]}
    )
    index.ingest([LAMP, stray])
    services = SimpleNamespace(store=store, indexes=(index, None))
    with pytest.raises(CatalogImportError, match="holds no product"):
        reindex_catalog(services)  # an empty store leaves search as it is
    assert index.product_ids() == ["lamp", "stray"]

    cheaper = LAMP.model_copy(
        update={"variants": [LAMP.variants[0].model_copy(update={"price": 49.0})]}
    )
    store.upsert_products([cheaper])
    summary = reindex_catalog(services)

    assert index.product_ids() == ["lamp"]
    assert index.get_product("lamp") == cheaper
    assert summary.removed == 2 and summary.added == 0  # stray-1, and lamp-l
