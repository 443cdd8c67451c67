"""The dense channel: which way to find the best allowed vectors for a filtered query.

No path takes an unfiltered top-k and filters it afterwards:

- no filter: Chroma's HNSW index;
- selective filters (a product type's rows, or few allowed items): exact cosine over the
  allowed rows of the local vector copy. Rows are stored grouped by product type, so a type
  filter reads one contiguous block; within it, a block mostly allowed is read whole and a
  block with few allowed rows has just those rows gathered;
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
from retrieval.table import DocTable, Selection

DenseStrategy = Literal["auto", "where"]

EXACT_ROWS = 60_000  # rows read by an exact scan (a gathered row counts GATHER_COST rows)
GATHER_COST = 3.0  # a gathered row costs about three rows read in a contiguous block
BROAD_SHARE = 0.05  # allowed share from which HNSW with a sized candidate list is tried
GATHER_CHUNK = 2048  # rows copied at a time when gathering


def _scores(block: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine scores of unit rows. einsum, not BLAS: numpy's BLAS runs gemv on every core,
    which on a busy shared 2-core machine is slower than einsum's single loop (and one BLAS
    thread is no faster than einsum): the scan is bound by memory, not arithmetic."""
    return np.einsum("ij,j->i", block, query)


def _gathered_scores(vectors: np.ndarray, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Scores of scattered rows, gathered a chunk at a time: one copy of tens of thousands
    of rows would be a fresh allocation of tens of MB, page-faulted in on every query."""
    out = np.empty(rows.size, dtype=np.float32)
    for start in range(0, rows.size, GATHER_CHUNK):
        chunk = rows[start : start + GATHER_CHUNK]
        out[start : start + chunk.size] = _scores(vectors[chunk], query)
    return out


def _top(scores: np.ndarray, rows: np.ndarray, depth: int) -> list[int]:
    if rows.size > depth:
        part = np.argpartition(-scores, depth - 1)[:depth]
        scores, rows = scores[part], rows[part]
    order = np.argsort(-scores, kind="stable")
    return [int(r) for r in rows[order]]


def _span_plan(selection: Selection) -> list[tuple[int, int, np.ndarray | None]]:
    """Per span: read it whole (None) or gather its allowed rows (their positions)."""
    plan: list[tuple[int, int, np.ndarray | None]] = []
    for a, b in selection.spans:
        local = selection.mask[a:b]
        allowed = int(np.count_nonzero(local))
        if allowed * GATHER_COST >= b - a:
            plan.append((a, b, None))
        else:
            plan.append((a, b, np.flatnonzero(local) + a))
    return plan


def scan_cost(selection: Selection) -> float:
    """Rows an exact scan of `selection` reads, gathered rows weighted by `GATHER_COST`."""
    cost = 0.0
    for a, b in selection.spans:
        allowed = int(np.count_nonzero(selection.mask[a:b]))
        cost += min(b - a, allowed * GATHER_COST)
    return cost


def exact(vectors: np.ndarray, selection: Selection, query: np.ndarray, depth: int) -> list[int]:
    """Exact cosine top-`depth` among the allowed rows."""
    all_rows: list[np.ndarray] = []
    all_scores: list[np.ndarray] = []
    for a, b, gathered in _span_plan(selection):
        if gathered is None:
            local = selection.mask[a:b]
            scores = _scores(vectors[a:b], query)
            all_rows.append(np.flatnonzero(local) + a)
            all_scores.append(scores[local])
        elif gathered.size:
            all_rows.append(gathered)
            all_scores.append(_gathered_scores(vectors, gathered, query))
    if not all_rows:
        return []
    return _top(np.concatenate(all_scores), np.concatenate(all_rows), depth)


def _chroma(collection: Any, query: np.ndarray, n: int, where: dict | None) -> list[str]:
    result = collection.query(
        query_embeddings=[query], n_results=max(1, n), where=where, include=[]
    )
    return result["ids"][0]


def dense_search(
    collection: Any,
    vectors: np.ndarray | None,
    table: DocTable,
    filters: SearchFilters,
    selection: Selection,
    query: np.ndarray,
    depth: int,
    strategy: DenseStrategy = "auto",
) -> list[int]:
    """Positions (in `table`) of the best `depth` allowed items by vector similarity."""
    total = len(table)
    allowed = selection.count
    if allowed == 0 or depth <= 0:
        return []
    want = min(depth, allowed)
    mask = selection.mask

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
    if scan_cost(selection) <= EXACT_ROWS:
        return exact(vectors, selection, query, depth)
    share = allowed / total
    if share >= BROAD_SHARE:
        n = min(total, int(depth / share * 1.5) + 20)
        found = positions(_chroma(collection, query, n, None))
        if len(found) >= want:
            return found[:depth]
    return exact(vectors, selection, query, depth)
