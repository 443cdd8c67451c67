"""`shopassist data demo --store beanleaf` into a temp data dir: real SQLite, Chroma, MiniLM."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.demo.beanleaf import BeanleafStore
from assistant.settings import Settings, get_settings
from assistant.store import Store
from retrieval.catalog import Product, Variant
from retrieval.chroma import make_client
from retrieval.embeddings import SentenceEmbedder, load_embedder
from retrieval.faq import FaqIndex
from retrieval.filters import SearchFilters
from retrieval.search import CatalogIndex
from retrieval.text import tokenize

pytestmark = pytest.mark.slow


@dataclass
class Loaded:
    """The data dir after the load, its stamp and its indexes (opened once, after it)."""

    settings: Settings
    stamp: dict[str, Any]
    catalog: CatalogIndex
    faq: FaqIndex


def _indexes(data_dir: Path, embedder: SentenceEmbedder) -> tuple[CatalogIndex, FaqIndex]:
    client = make_client(data_dir / "chroma")
    return CatalogIndex(client, embedder, data_dir / "lexical"), FaqIndex(client, embedder)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """A data dir that held another store (one product, one FAQ page), then Bean & Leaf
    loaded into it by the CLI command."""
    from assistant.cli.main import app

    data_dir = tmp_path_factory.mktemp("beanleaf-data")
    settings = Settings(data_dir=data_dir)
    embedder = load_embedder(settings.embedding_model)
    catalog, faq = _indexes(data_dir, embedder)
    other = Variant(item_id="1000000001", options={"color": "red"}, price=9.0)
    catalog.ingest(
        [Product(product_id="9000000001", name="Old Lamp", product_type="Lamp", variants=[other])]
    )
    faq.ingest_text("policy.md", "# Policy\n\n## Old store\n\nAn earlier store's rules.")
    catalog.close()

    with pytest.MonkeyPatch.context() as env:
        env.setenv("SHOPASSIST_DATA_DIR", str(data_dir))
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(app, ["data", "demo", "--store", "beanleaf"])
        finally:
            get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    stamp = json.loads((data_dir / "demo-loaded.json").read_text())
    catalog, faq = _indexes(data_dir, embedder)
    yield Loaded(settings, stamp, catalog, faq)
    catalog.close()


def test_the_stamp_and_the_sql_store_have_the_expected_counts(
    loaded: Loaded, shop: BeanleafStore
) -> None:
    settings, stamp = loaded.settings, loaded.stamp
    variants = sum(len(p.variants) for p in shop.products)
    assert stamp["store"] == "beanleaf" and stamp["seed"] == 0
    assert (stamp["products"], stamp["variants"]) == (len(shop.products), variants)
    assert (stamp["users"], stamp["orders"]) == (150, 400)
    assert stamp["catalog_embedded"] == variants and stamp["catalog_removed"] == 1
    assert stamp["faq_pages"] == 8 and stamp["faq_pages_removed"] == ["policy.md"]
    store = Store(settings.sqlalchemy_url)
    try:
        dumped = store.dump_tau2()
    finally:
        store.close()
    assert dumped == shop.retail_db()
    written = sorted(p.name for p in (settings.data_dir / "beanleaf").iterdir())
    assert written == [
        "catalog.jsonl",
        "customers.json",
        "orders.json",
        "pages",
        "preferences.json",
    ]


def test_search_finds_a_product_by_a_word_of_its_description(
    loaded: Loaded, shop: BeanleafStore
) -> None:
    catalog = loaded.catalog
    assert len(catalog.products()) == len(shop.products)
    assert catalog.get_product("9000000001") is None
    # Words that occur in one product's description and nowhere else in the catalog.
    texts = {
        p.product_id: set(
            tokenize(
                " ".join(
                    [
                        p.name,
                        p.product_type,
                        *p.tags,
                        *(value for v in p.variants for value in v.options.values()),
                    ]
                )
            )
        )
        for p in shop.products
    }
    found = tried = 0
    for product in shop.products:
        words = {w for w in tokenize(product.description) if len(w) >= 5 and w.isalpha()}
        others = set().union(
            *(
                set(tokenize(p.description)) | texts[p.product_id]
                for p in shop.products
                if p.product_id != product.product_id
            )
        )
        unique = sorted(words - others)
        if not unique:
            continue
        tried += 1
        hits = catalog.search(unique[0], k=3).hits
        found += bool(hits) and hits[0].product_id == product.product_id
    assert tried >= 15 and found == tried

    result = catalog.search("jasmine", k=3)
    assert {h.name for h in result.hits} == {"Yirgacheffe Kochere"}


def test_search_filters_by_an_option(loaded: Loaded) -> None:
    catalog = loaded.catalog
    wanted = {"roast": ["dark"], "grind": ["french press"], "bag size": ["1kg"]}
    result = catalog.search("coffee beans", SearchFilters(options=wanted), k=10)
    assert result.hits and result.relaxation is None
    for hit in result.hits:
        assert (hit.options["roast"], hit.options["grind"], hit.options["bag size"]) == (
            "dark",
            "french press",
            "1kg",
        )
    sage = catalog.search("stoneware mug in sage", k=5)
    assert sage.hits and all(h.options.get("color") == "sage" for h in sage.hits)
    assert all(h.product_type == "Mug" for h in sage.hits)


def test_the_faq_answers_from_the_shops_pages(loaded: Loaded) -> None:
    faq = loaded.faq
    assert "policy.md" not in faq.sources() and len(faq.sources()) == 8
    best = faq.search("can I send back an opened bag of coffee?", k=1)[0]
    assert (best.source, best.heading) == (
        "returns.md",
        "Returns and exchanges > Opened coffee and tea",
    )
    best = faq.search("what grind for an espresso machine", k=1)[0]
    assert best.source in {"grind-sizes.md", "brewing-guide.md"}
