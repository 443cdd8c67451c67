"""The dense channel: which way to find the best allowed vectors for a filtered query.

No path takes an unfiltered top-k and filters it afterwards:

- no filter: Chroma's HNSW index;
- selective filters (a product type's rows, or few allowed items): exact cosine over the
  allowed rows of the local vector copy. Rows are stored grouped by product type, so a type
  filter reads one contiguous block; within it, a block with a fair share of allowed rows is
  scanned whole in half precision (faiss, through the filter), its best candidates scored
  again in float32, and a block with few allowed rows has just those rows gathered;
- broad filters (a large share of the catalog allowed): HNSW with a candidate list sized
  from the filter's exact selectivity, masked, and the exact scan whenever fewer than the
  needed allowed items come back;
- `strategy="where"`: Chroma's own `where` pre-filtering (exact semantics; slow at large
  scale in embedded Chroma, whose metadata filter runs in SQLite).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any, Literal

import numpy as np

from retrieval.filters import SearchFilters
from retrieval.halfcodes import HalfCodes
from retrieval.table import DocTable, Selection

DenseStrategy = Literal["auto", "where"]

EXACT_ROWS = 60_000  # rows read by an exact scan (a gathered row counts GATHER_COST rows)
GATHER_COST = 3.0  # a gathered row costs about three rows read in a contiguous block
# From this share of allowed rows a span is scanned whole in half precision rather than
# gathered (benchmarks: a half-precision scan through a filter letting 5-10% of the rows pass
# costs about as much as gathering those rows).
HALF_SCAN_SHARE = 0.07
BROAD_SHARE = 0.05  # allowed share from which HNSW with a sized candidate list is tried
GATHER_CHUNK = 2048  # rows copied at a time when gathering
CANDIDATES = 2  # candidates per wanted item a half-precision part proposes for exact scoring


def _scores(block: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine scores of unit rows. einsum, not BLAS: numpy's BLAS runs gemv on every core,
    which on a busy shared 2-core machine is slower than einsum's single loop (and one BLAS
    thread is no faster than einsum): the scan is bound by memory, not arithmetic."""
    return np.einsum("ij,j->i", block, query)


def _top(scores: np.ndarray, rows: np.ndarray, depth: int) -> list[int]:
    if rows.size > depth:
        part = np.argpartition(-scores, depth - 1)[:depth]
        scores, rows = scores[part], rows[part]
    order = np.argsort(-scores, kind="stable")
    return [int(r) for r in rows[order]]


def _half_worth(a: int, b: int, chunk: int) -> bool:
    """Whether rows [a, b) are read in half precision: a half-precision search reads its whole
    chunk (through the filter), so for under half a chunk the float32 rows cost less."""
    return 2 * (b - a) >= chunk


def _span_plan(selection: Selection, chunk: int | None) -> list[tuple[int, int, np.ndarray | None]]:
    """Per span: read it whole (None) or gather its allowed rows (their positions); `chunk`:
    the rows per chunk of a half-precision copy, which reads a whole span of half a chunk or
    more."""
    plan: list[tuple[int, int, np.ndarray | None]] = []
    for a, b in selection.spans:
        local = selection.mask[a:b]
        allowed = int(np.count_nonzero(local))
        if chunk is not None and _half_worth(a, b, chunk):
            whole = allowed >= HALF_SCAN_SHARE * (b - a)
        else:
            whole = allowed * GATHER_COST >= b - a
        if whole:
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


_Part = tuple[int, int] | np.ndarray  # a block of rows read whole, or rows to gather


def _parts(selection: Selection, chunk: int | None) -> list[_Part]:
    """The scan cut into parts, in row order; with a half-precision copy (`chunk` rows per
    chunk) a block read whole is cut at multiples of `chunk`, so no part crosses a chunk."""
    parts: list[_Part] = []
    for a, b, gathered in _span_plan(selection, chunk):
        if gathered is not None:
            # gathered a few thousand at a time: one copy of tens of thousands of rows would
            # be a fresh allocation of tens of MB, page-faulted in on every query
            step = GATHER_CHUNK
            parts.extend(gathered[s : s + step] for s in range(0, gathered.size, step))
        elif chunk is None:
            parts.append((a, b))
        else:
            cuts = [a, *range((a // chunk + 1) * chunk, b, chunk), b]
            parts.extend(pairwise(cuts))
    return parts


def _score_part(
    vectors: np.ndarray,
    codes: HalfCodes | None,
    mask: np.ndarray,
    part: _Part,
    query: np.ndarray,
    depth: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(allowed rows, their exact scores) of one part: all of them, or for a block with a
    half-precision copy the best candidates it proposes."""
    if isinstance(part, tuple):
        a, b = part
        if codes is not None and _half_worth(a, b, codes.chunk_rows):
            rows = codes.candidates(a, b, mask, query, CANDIDATES * depth)
            return rows, _scores(vectors[rows], query)
        local = mask[a:b]
        return np.flatnonzero(local) + a, _scores(vectors[a:b], query)[local]
    return part, _scores(vectors[part], query)


def exact(
    vectors: np.ndarray,
    selection: Selection,
    query: np.ndarray,
    depth: int,
    codes: HalfCodes | None = None,
) -> list[int]:
    """Exact cosine top-`depth` among the allowed rows.

    With `codes` (the same vectors in half precision), a span read whole proposes its best
    candidates from them, which are then scored exactly: half the bytes read.
    """
    scored = [
        _score_part(vectors, codes, selection.mask, part, query, depth)
        for part in _parts(selection, codes.chunk_rows if codes is not None else None)
    ]
    if not scored:
        return []
    rows, scores = zip(*scored, strict=True)
    return _top(np.concatenate(scores), np.concatenate(rows), depth)


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
    codes: HalfCodes | None = None,
) -> list[int]:
    """Positions (in `table`) of the best `depth` allowed items by vector similarity.

    `codes`: the vectors in half precision, which propose the candidates of an exact scan.
    """
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
        return exact(vectors, selection, query, depth, codes)
    share = allowed / total
    if share >= BROAD_SHARE:
        n = min(total, int(depth / share * 1.5) + 20)
        found = positions(_chroma(collection, query, n, None))
        if len(found) >= want:
            return found[:depth]
    return exact(vectors, selection, query, depth, codes)
