"""Load Bean & Leaf into the configured data dir, the way the τ² demo store is loaded."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from assistant.demo.beanleaf.files import read_store, write_store
from assistant.demo.beanleaf.generator import generate
from assistant.demo.loader import STAMP_NAME, drop_other_pages, ingest_progress, load_store
from assistant.settings import Settings

FOLDER_NAME = "beanleaf"


def load_beanleaf(
    settings: Settings, progress: Callable[[str], None] = print, *, seed: int = 0
) -> dict[str, Any]:
    """Generate Bean & Leaf, write it to `data_dir/beanleaf/` and load it from those files.

    The SQL store gets the products, customers and orders (replacing any other demo store);
    the catalog index gets the JSONL products with their descriptions, and the FAQ index the
    shop's pages, with other stores' products and pages removed. Returns the counts (also
    written to the demo stamp file).
    """
    from retrieval import open_indexes

    started = time.perf_counter()
    folder = settings.data_dir / FOLDER_NAME
    progress(f"[1/4] generating Bean & Leaf (seed {seed}) into {folder}")
    files = write_store(generate(seed), folder)
    products, db = read_store(files.folder)

    progress(f"[2/4] loading {len(db['users'])} customers and {len(db['orders'])} orders")
    products = load_store(settings, db, products)

    catalog, faq = open_indexes(settings.data_dir, settings.embedding_model, settings.chroma_url)
    variants = sum(len(p.variants) for p in products)
    progress(f"[3/4] indexing {len(products)} products ({variants} variants)")
    summary = catalog.ingest(products, progress=ingest_progress(progress))

    pages = files.pages
    progress(f"[4/4] indexing {len(pages)} FAQ and policy pages")
    faq_summary = faq.ingest_pages(pages)
    removed = drop_other_pages(faq, {p.name for p in pages})
    counts = {
        "store": "beanleaf",
        "seed": seed,
        "users": len(db["users"]),
        "orders": len(db["orders"]),
        "products": len(products),
        "variants": variants,
        "catalog_embedded": summary.embedded,
        "catalog_removed": summary.removed,
        "faq_pages": len(pages),
        "faq_passages": faq.count(),
        "faq_changed": faq_summary.model_dump(),
        "faq_pages_removed": removed,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (settings.data_dir / STAMP_NAME).write_text(json.dumps(counts, indent=2))
    progress(
        f"Bean & Leaf ready in {counts['seconds']}s: {counts['products']} products, "
        f"{variants} variants, {counts['users']} customers, {counts['orders']} orders, "
        f"{counts['faq_passages']} FAQ passages"
    )
    return counts
