"""The store on disk: import formats written, read back, loaded into SQL; bad files reported."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.demo.beanleaf import BeanleafStore
from assistant.demo.beanleaf.files import StoreFilesError, read_store, write_store
from assistant.demo.beanleaf.preferences import Preferences
from assistant.store import Store
from assistant.store.models import Order, User
from retrieval.catalog import Product
from retrieval.faq import chunk_page


@pytest.fixture
def folder(tmp_path: Path, shop: BeanleafStore) -> Path:
    """The default store written into a tmp folder."""
    write_store(shop, tmp_path / "beanleaf")
    return tmp_path / "beanleaf"


def test_files_hold_the_store_in_import_formats(folder: Path, shop: BeanleafStore) -> None:
    lines = (folder / "catalog.jsonl").read_text(encoding="utf-8").splitlines()
    assert [Product.model_validate_json(line) for line in lines] == shop.products
    customers = json.loads((folder / "customers.json").read_text(encoding="utf-8"))
    orders = json.loads((folder / "orders.json").read_text(encoding="utf-8"))
    assert list(customers) == [u.user_id for u in shop.users]
    assert [User.model_validate(c) for c in customers.values()] == shop.users
    assert [Order.model_validate(o) for o in orders.values()] == shop.orders
    preferences = json.loads((folder / "preferences.json").read_text(encoding="utf-8"))
    assert {k: Preferences.model_validate(v) for k, v in preferences.items()} == shop.preferences


def test_reading_back_gives_the_generated_store(folder: Path, shop: BeanleafStore) -> None:
    products, db = read_store(folder)
    assert products == shop.products
    assert db == shop.retail_db()


def test_the_sql_store_loads_and_dumps_it_unchanged(
    folder: Path, tmp_path: Path, shop: BeanleafStore
) -> None:
    _, db = read_store(folder)
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        store.create_all()
        store.load_tau2(db)
        assert store.dump_tau2() == db
        user = shop.users[0]
        assert store.user(user.user_id) == user
        first = shop.orders[0]
        assert store.order(first.order_id) == first
        item = shop.products[0].variants[0].item_id
        found = store.product_for_item(item)
        assert found is not None and found.product_id == shop.products[0].product_id
    finally:
        store.close()


def test_pages_are_the_shops_faq_with_headings(folder: Path) -> None:
    pages = sorted((folder / "pages").glob("*.md"))
    names = {p.stem for p in pages}
    assert {
        "shipping",
        "returns",
        "subscriptions",
        "brewing-guide",
        "grind-sizes",
        "gift-cards",
        "wholesale",
    } <= names
    assert 6 <= len(pages) <= 8
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.startswith("# ") and len(re.findall(r"^## ", text, re.MULTILINE)) >= 3
        assert all(chunk.heading for chunk in chunk_page(page))
    returns = (folder / "pages" / "returns.md").read_text(encoding="utf-8")
    assert "## Opened coffee and tea" in returns and "unopened" in returns


def test_a_bad_catalog_line_is_reported_with_its_line(folder: Path) -> None:
    path = folder / "catalog.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[2])
    broken["variants"][0]["price"] = -1
    lines[2] = json.dumps(broken)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(StoreFilesError, match=r"catalog\.jsonl:3: .*price"):
        read_store(folder)


def test_a_bad_customer_or_order_is_reported_with_its_id(folder: Path, shop: BeanleafStore) -> None:
    customers = json.loads((folder / "customers.json").read_text(encoding="utf-8"))
    user_id = shop.users[3].user_id
    del customers[user_id]["email"]
    (folder / "customers.json").write_text(json.dumps(customers), encoding="utf-8")
    with pytest.raises(StoreFilesError, match=rf"customers\.json: {re.escape(user_id)}: email"):
        read_store(folder)

    write_store(shop, folder)
    orders = json.loads((folder / "orders.json").read_text(encoding="utf-8"))
    order_id = shop.orders[5].order_id
    orders[order_id]["status"] = "lost in the mail"
    (folder / "orders.json").write_text(json.dumps(orders), encoding="utf-8")
    with pytest.raises(StoreFilesError, match=rf"orders\.json: {re.escape(order_id)}: status"):
        read_store(folder)

    (folder / "orders.json").unlink()
    with pytest.raises(StoreFilesError, match=r"orders\.json: missing"):
        read_store(folder)
