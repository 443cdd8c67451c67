"""The dense channel: which way to find the best allowed vectors for a filtered query.

No path takes an unfiltered top-k and filters it afterwards:

- no filter: Chroma's HNSW index;
- selective filters (a product type's rows, or few allowed items): exact cosine over the
  allowed rows of the local vector copy — rows are stored grouped by product type, so a type
  filter reads one contiguous block;
- broad filters (a large share of the catalog allowed): HNSW with a candidate list sized
  from the filter's exact selectivity, masked, and the exact scan whenever fewer than the
  needed allowed items come back;
- `strategy="where"`: Chroma's own `where` pre-filtering (exact semantics; slow at large
  scale in embedded Chroma, whose metadata filter runs in SQLite).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from retrieval.filters import SearchFilters
from retrieval.table import DocTable

DenseStrategy = Literal["auto", "where"]

EXACT_ROWS = 20_000  # contiguous rows scanned exactly (one type's block)
GATHER_ROWS = 4_000  # scattered allowed rows scanned exactly
BROAD_SHARE = 0.05  # allowed share from which HNSW with a sized candidate list is tried


def _scores(block: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine scores of unit rows; einsum, not BLAS: multithreaded BLAS gemv on a busy
    2-core machine costs 10-30x more than a single-threaded loop for these sizes."""
    return np.einsum("ij,j->i", block, query)


def _top(scores: np.ndarray, rows: np.ndarray, depth: int) -> list[int]:
    if rows.size > depth:
        part = np.argpartition(-scores, depth - 1)[:depth]
        scores, rows = scores[part], rows[part]
    order = np.argsort(-scores, kind="stable")
    return [int(r) for r in rows[order]]


def exact(vectors: np.ndarray, table: DocTable, filters: SearchFilters, mask: np.ndarray,
          query: np.ndarray, depth: int) -> list[int]:  # fmt: skip
    """Exact cosine top-`depth` among the allowed rows."""
    blocks = table.type_blocks(filters.product_types) if filters.product_types else None
    if blocks is not None:
        rows = np.concatenate([np.arange(a, b) for a, b in blocks]) if blocks else np.arange(0)
        scores = (
            np.concatenate([_scores(vectors[a:b], query) for a, b in blocks]) if blocks else None
        )
        if scores is None:
            return []
        keep = mask[rows]
        return _top(scores[keep], rows[keep], depth)
    rows = np.flatnonzero(mask)
    return _top(_scores(vectors[rows], query), rows, depth)


def _chroma(collection: Any, query: np.ndarray, n: int, where: dict | None) -> list[str]:
    result = collection.query(
        query_embeddings=[query], n_results=max(1, n), where=where, include=["distances"]
    )
    return result["ids"][0]


def dense_search(
    collection: Any,
    vectors: np.ndarray | None,
    table: DocTable,
    filters: SearchFilters,
    mask: np.ndarray,
    query: np.ndarray,
    depth: int,
    strategy: DenseStrategy = "auto",
) -> list[int]:
    """Positions (in `table`) of the best `depth` allowed items by vector similarity."""
    total = len(table)
    allowed = int(mask.sum())
    if allowed == 0 or depth <= 0:
        return []
    want = min(depth, allowed)

    def positions(ids: list[str]) -> list[int]:
        out = []
        for doc_id in ids:
            pos = table.position.get(doc_id)
            if pos is not None and mask[pos]:  # guards a record changed mid-ingest
                out.append(pos)
        return out

    if allowed == total:
        return positions(_chroma(collection, query, min(depth, total), None))
    if strategy == "where" or vectors is None:
        return positions(_chroma(collection, query, want, filters.chroma_where()))
    blocks = table.type_blocks(filters.product_types) if filters.product_types else None
    rows_scanned = sum(b - a for a, b in blocks) if blocks is not None else allowed
    if rows_scanned <= (EXACT_ROWS if blocks is not None else GATHER_ROWS):
        return exact(vectors, table, filters, mask, query, depth)
    share = allowed / total
    if share >= BROAD_SHARE:
        n = min(total, int(depth / share * 1.5) + 20)
        found = positions(_chroma(collection, query, n, None))
        if len(found) >= want:
            return found[:depth]
    return exact(vectors, table, filters, mask, query, depth)
