"""Load the demo store: τ² users/orders/products into SQL, products and FAQ pages into search."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.demo import tau2_data
from assistant.settings import Settings

if TYPE_CHECKING:
    from retrieval.catalog import Product as CatalogProduct
    from retrieval.faq import FaqIndex

FAQ_DIR = Path(__file__).resolve().parent / "faq"
STAMP_NAME = "demo-loaded.json"


def load_demo(settings: Settings, progress: Callable[[str], None] = print) -> dict[str, Any]:
    """Load (or refresh) the demo store into the configured data dir; returns the counts.

    Re-running is cheap: the SQL tables are replaced, and the search indexes skip every
    product and FAQ passage whose content did not change.
    """
    from retrieval import open_indexes
    from retrieval.importers.tau2 import import_tau2

    started = time.perf_counter()
    progress(f"[1/4] reading the τ² retail world ({tau2_data.TAU2_PACKAGE})")
    db = tau2_data.retail_db()

    report = import_tau2(db)
    if report.errors:
        raise RuntimeError(f"the demo catalog has bad rows: {report.errors[:3]}")
    progress(f"[2/4] loading {len(db['users'])} users and {len(db['orders'])} orders")
    products = load_store(settings, db, report.products)

    catalog, faq = open_indexes(settings.data_dir, settings.embedding_model, settings.chroma_url)
    variants = sum(len(p.variants) for p in products)
    progress(f"[3/4] indexing {len(products)} products ({variants} variants)")
    summary = catalog.ingest(products, progress=ingest_progress(progress))

    pages = sorted(FAQ_DIR.glob("*.md"))
    progress(f"[4/4] indexing the store policy and {len(pages)} FAQ pages")
    faq_summary = faq.ingest_text("policy.md", tau2_data.retail_policy())
    if pages:
        faq.ingest_pages(pages)
    drop_other_pages(faq, {"policy.md", *(p.name for p in pages)})
    counts = {
        "store": "tau2",
        "users": len(db["users"]),
        "orders": len(db["orders"]),
        "products": len(products),
        "variants": variants,
        "catalog_embedded": summary.embedded,
        "faq_passages": faq.count(),
        "faq_policy_changed": faq_summary.model_dump(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (settings.data_dir / STAMP_NAME).write_text(json.dumps(counts, indent=2))
    progress(
        f"demo store ready in {counts['seconds']}s: {counts['products']} products, "
        f"{variants} variants, {counts['users']} users, {counts['orders']} orders, "
        f"{counts['faq_passages']} FAQ passages"
    )
    return counts


def load_store(
    settings: Settings, db: dict[str, Any], products: Sequence[CatalogProduct]
) -> list[CatalogProduct]:
    """Replace the store's products, users and orders with `db` (τ²'s `db.json` shape), give
    its products the details of `products` (kind, copy, brand…), and return the catalog as
    the store now holds it: what search is indexed from."""
    from assistant.store import Store

    store = Store(settings.sqlalchemy_url)
    try:
        store.create_all()
        store.load_tau2(db)
        store.fill_missing_details(products)
        return store.catalog_products()
    finally:
        store.close()


def drop_other_pages(faq: FaqIndex, keep: set[str]) -> list[str]:
    """Remove every FAQ page not in `keep` (another demo store's pages); returns their names."""
    stale = sorted(set(faq.sources()) - keep)
    for source in stale:
        faq.remove_page(source)
    return stale


def ingest_progress(progress: Callable[[str], None]) -> Callable[[str, int, int], None]:
    """A catalog-ingest progress callback that reports each stage about every quarter."""
    last: dict[str, int] = {}

    def report(stage: str, done: int, total: int) -> None:
        step = max(total // 4, 1)
        if done == total or done - last.get(stage, -step) >= step:
            last[stage] = done
            progress(f"      {stage}: {done}/{total}")

    return report
