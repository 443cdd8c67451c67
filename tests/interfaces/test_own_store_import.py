"""A merchant's Shopify CSV imported into a running store: nothing else is removed, the new
item is searchable, addable to a cart, and a running API sees it without a restart. A sync
asks before removing, and a file the store refuses changes nothing."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from assistant.catalog_import import CatalogImportError, import_catalog
from assistant.services import Services
from tests.interfaces.conftest import build_shop
from tests.interfaces.support import ShopScript, lantern_csv, shop_services, uvicorn_server

pytestmark = pytest.mark.server


@pytest.fixture
def shop(tmp_path: Path) -> Services:
    return shop_services(build_shop(tmp_path / "shop"), ShopScript())


def test_an_imported_product_joins_a_running_store(shop: Services, tmp_path: Path) -> None:
    from assistant.api import create_api

    index, _ = shop.indexes
    before_store, before_index = shop.store.product_ids(), {p.product_id for p in index.products()}
    with uvicorn_server(create_api(shop)) as url:
        # The import runs as another process would: its own services over the same data dir.
        importer = shop_services(shop.settings.data_dir)
        done = import_catalog(importer, lantern_csv(tmp_path / "lantern.csv"))
        assert (done.store.added, done.store.removed, done.search.removed) == (1, 0, 0)

        client = httpx.Client(base_url=url, timeout=30)
        sid = client.post("/v1/sessions").json()["session_id"]
        found = client.post(
            f"/v1/sessions/{sid}/tools/search_products", json={"query": "storm lantern"}
        ).json()["data"]["results"]
        assert found and found[0]["item_id"] in {"LANTERN-AMBER", "LANTERN-FOREST"}
        added = client.post(
            f"/v1/sessions/{sid}/tools/add_to_cart", json={"item_id": "LANTERN-AMBER"}
        )
        assert added.status_code == 200, added.text
        assert [i["item_id"] for i in added.json()["data"]["items"]] == ["LANTERN-AMBER"]

    assert set(shop.store.product_ids()) == {*before_store, "storm-lantern"}
    assert {p.product_id for p in index.products()} == {*before_index, "storm-lantern"}
    assert shop.store.variant("LANTERN-FOREST").price == 36.5


def test_a_sync_asks_first_and_a_refused_file_changes_nothing(
    shop: Services, tmp_path: Path
) -> None:
    index, _ = shop.indexes
    before = shop.store.product_ids()
    asked: list[int] = []

    def decline(count: int) -> bool:
        asked.append(count)
        return False

    with pytest.raises(CatalogImportError, match="not confirmed"):
        import_catalog(shop, lantern_csv(tmp_path / "a.csv"), sync=True, confirm_removal=decline)
    assert asked == [len(before)] and shop.store.product_ids() == before

    taken = next(iter(shop.store.product(before[0]).variants))  # type: ignore[union-attr]
    with pytest.raises(CatalogImportError, match=f"item {taken} .* already an item"):
        import_catalog(shop, lantern_csv(tmp_path / "b.csv", sku=taken))
    assert shop.store.product_ids() == before
    assert "storm-lantern" not in {p.product_id for p in index.products()}
