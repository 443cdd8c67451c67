"""The demo store training dialogues run against.

The τ² retail world in a scratch SQLite store (recreated on every run, so the tools' writes
of one run never leak into the next), plus real catalog and FAQ indexes kept in a work
folder (ingest is incremental, so only the first run embeds anything).
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.store import Store
from assistant.tools import default_registry
from assistant.tools.registry import ToolRegistry

if TYPE_CHECKING:
    from retrieval.embeddings import Embedder
    from retrieval.faq import FaqIndex
    from retrieval.search import CatalogIndex

FAQ_DIR = Path(__file__).resolve().parent.parent / "demo" / "faq"
"""The store's own help pages (markdown/HTML), next to the τ² policy."""


def faq_documents() -> list[tuple[str, str]]:
    """The FAQ pages as `(source, text)`: the τ² store policy and the demo help pages."""
    from assistant.demo.tau2_data import retail_policy

    pages = [("store-policy.md", retail_policy())]
    if FAQ_DIR.is_dir():
        for path in sorted(FAQ_DIR.iterdir()):
            if path.suffix.lower() in {".md", ".markdown", ".html", ".htm"}:
                pages.append((path.name, path.read_text(encoding="utf-8")))
    return pages


@dataclass
class DemoWorld:
    """Everything a training dialogue touches, plus read-only views for planning them."""

    db: dict[str, Any]
    """The τ² database as loaded into the store (planning only: never mutated)."""
    store: Store
    catalog: CatalogIndex
    faq: FaqIndex
    registry: ToolRegistry
    orders_by_user: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_user: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for order in self.db["orders"].values():
            by_user[order["user_id"]].append(order)
        self.orders_by_user = dict(by_user)

    @property
    def users(self) -> list[dict[str, Any]]:
        """Users in database order."""
        return list(self.db["users"].values())

    @property
    def products(self) -> list[dict[str, Any]]:
        """Products in database order."""
        return list(self.db["products"].values())

    def product(self, product_id: str) -> dict[str, Any]:
        """One product by id."""
        return self.db["products"][product_id]

    def orders_of(self, user_id: str, status: str | None = None) -> list[dict[str, Any]]:
        """The user's orders (in the order the user record lists them), optionally by status."""
        listed = self.db["users"][user_id]["orders"]
        orders = [self.db["orders"][o] for o in listed if o in self.db["orders"]]
        return [o for o in orders if status is None or o["status"] == status]

    def close(self) -> None:
        """Release the store and the catalog record."""
        self.store.close()
        self.catalog.close()


def build_world(
    work_dir: Path,
    *,
    embedder: Embedder | None = None,
    embedding_model: str = "bundled:all-MiniLM-L6-v2",
    db: dict[str, Any] | None = None,
    pages: list[tuple[str, str]] | None = None,
) -> DemoWorld:
    """Build the demo world in `work_dir`: a fresh store and up-to-date indexes.

    Args:
        work_dir: Folder for `store.sqlite` (replaced) and `index/` (kept between runs).
        embedder: Embedding model for the indexes; loaded from `embedding_model` if None.
        embedding_model: Name passed to `retrieval.embeddings.load_embedder`.
        db: The τ² retail database; `assistant.demo.tau2_data.retail_db()` if None.
        pages: FAQ pages as `(source, text)`; `faq_documents()` if None.
    """
    from retrieval.chroma import make_client
    from retrieval.faq import FaqIndex
    from retrieval.importers.tau2 import import_tau2
    from retrieval.search import CatalogIndex

    if db is None:
        from assistant.demo.tau2_data import retail_db

        db = retail_db()
    if embedder is None:
        from retrieval.embeddings import load_embedder

        embedder = load_embedder(embedding_model)
    work_dir.mkdir(parents=True, exist_ok=True)

    store_path = work_dir / "store.sqlite"
    store_path.unlink(missing_ok=True)
    store = Store(f"sqlite:///{store_path}")
    store.create_all()
    store.load_tau2(json.loads(json.dumps(db)))

    index_dir = work_dir / "index"
    client = make_client(path=index_dir / "chroma")
    try:
        catalog = CatalogIndex(client, embedder, index_dir / "lexical")
    except ValueError:
        # Built with another embedding model: rebuild rather than mix vectors.
        shutil.rmtree(index_dir, ignore_errors=True)
        client = make_client(path=index_dir / "chroma")
        catalog = CatalogIndex(client, embedder, index_dir / "lexical")
    report = import_tau2(db)
    if report.errors:
        raise ValueError(f"the demo catalog has bad rows: {report.errors[:3]}")
    catalog.ingest(report.products)
    faq = FaqIndex(client, embedder)
    wanted = pages if pages is not None else faq_documents()
    for source in set(faq.sources()) - {s for s, _ in wanted}:
        faq.remove_page(source)
    for source, text in wanted:
        faq.ingest_text(source, text, html=source.lower().endswith((".html", ".htm")))
    return DemoWorld(db=db, store=store, catalog=catalog, faq=faq, registry=default_registry())
