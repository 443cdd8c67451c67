"""What the catalog index holds, kept in SQLite beside the lexical index.

This is the record incremental ingest compares against (content hashes per product and per
document), the source of `get_product`, and the input of lexical rebuilds. Each ingest writes
it in one transaction after Chroma was updated, so a crash in between only causes re-work.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.documents import VariantDoc

_SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    product_id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS docs (
    doc_id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    meta TEXT NOT NULL,
    meta_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_product ON docs(product_id);
"""


@dataclass(frozen=True)
class DocRow:
    """A stored document."""

    doc_id: str
    product_id: str
    text: str
    text_hash: str
    meta: dict[str, Any]
    meta_hash: str


class CatalogState:
    """SQLite file holding products, documents and their hashes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def version(self) -> int:
        """SQLite's `data_version`: it changes when another connection (another process's
        import) commits to the file, so a reader knows its loaded view is stale."""
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def product_hashes(self) -> dict[str, str]:
        """Product id to content hash."""
        with self._lock:
            return dict(self._db.execute("SELECT product_id, hash FROM products"))

    def product_body(self, product_id: str) -> str | None:
        """The stored product JSON, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM products WHERE product_id = ?", (product_id,)
            ).fetchone()
        return row[0] if row else None

    def docs(self, product_ids: Iterable[str] | None = None) -> list[DocRow]:
        """Stored documents (of the given products, or all), ordered by id."""
        with self._lock:
            if product_ids is None:
                rows = self._db.execute(
                    "SELECT doc_id, product_id, text, text_hash, meta, meta_hash FROM docs "
                    "ORDER BY doc_id"
                ).fetchall()
            else:
                ids = list(product_ids)
                rows = []
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows += self._db.execute(
                        "SELECT doc_id, product_id, text, text_hash, meta, meta_hash FROM docs "
                        f"WHERE product_id IN ({marks})",
                        chunk,
                    ).fetchall()
        return [DocRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]

    def doc_metas_by_type(self) -> list[tuple[str, str]]:
        """(doc_id, metadata JSON) of every stored document, by product type, then id.

        The order the index keeps rows in (a type's rows form one block). SQLite compares
        text by its UTF-8 bytes, which orders as Python orders the strings.
        """
        with self._lock:
            return self._db.execute(
                "SELECT doc_id, meta FROM docs ORDER BY json_extract(meta, '$.type_norm'), doc_id"
            ).fetchall()

    def doc_texts(self) -> dict[str, str]:
        """doc_id to text of every stored document."""
        with self._lock:
            return dict(self._db.execute("SELECT doc_id, text FROM docs"))

    def texts_of(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """doc_id to text of the given stored documents (unknown ids are left out)."""
        out: dict[str, str] = {}
        with self._lock:
            for start in range(0, len(doc_ids), 500):
                chunk = list(doc_ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                out.update(
                    self._db.execute(
                        f"SELECT doc_id, text FROM docs WHERE doc_id IN ({marks})", chunk
                    )
                )
        return out

    def doc_ids(self) -> list[str]:
        """Every stored document id."""
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT doc_id FROM docs ORDER BY doc_id")]

    def apply(
        self,
        products: list[tuple[str, str, str]],
        removed_products: list[str],
        docs: list[VariantDoc],
        removed_docs: list[str],
    ) -> None:
        """Write one ingest's changes in a single transaction.

        Args:
            products: (product_id, hash, json) to insert or replace.
            removed_products: product ids to delete.
            docs: documents to insert or replace.
            removed_docs: document ids to delete.
        """
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO products(product_id, hash, body) VALUES (?, ?, ?)",
                products,
            )
            self._db.executemany(
                "DELETE FROM products WHERE product_id = ?", [(p,) for p in removed_products]
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO docs(doc_id, product_id, item_id, text, text_hash, meta, "
                "meta_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        d.doc_id,
                        d.product_id,
                        d.item_id,
                        d.text,
                        d.text_hash,
                        json.dumps(d.meta, sort_keys=True),
                        d.meta_hash,
                    )
                    for d in docs
                ],
            )
            self._db.executemany("DELETE FROM docs WHERE doc_id = ?", [(d,) for d in removed_docs])
