"""Hybrid product search: Chroma (dense) and bm25s (lexical), filtered before top-k, fused by RRF.

Every filter is applied inside each channel before it picks its candidates: the dense channel
scores only allowed vectors (`retrieval.dense` plans how), BM25 applies a mask over its corpus.
So "under $50" or "size M" can never return items that violate it, nor return nothing because
the top-k happened to be filtered away. Over a large catalog the two channels of a hybrid
search run side by side, the lexical one on a worker thread.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from retrieval.catalog import Product
from retrieval.chroma import batched_size, open_collection
from retrieval.dense import DenseStrategy, dense_search
from retrieval.embeddings import Embedder
from retrieval.filters import SearchFilters
from retrieval.fusion import ranks_with_ties, reciprocal_rank_fusion
from retrieval.halfcodes import HalfCodes
from retrieval.ingest import IngestSummary, ProgressCallback, plan_ingest, unique_products
from retrieval.lexical import LexicalIndex
from retrieval.query import ParsedQuery, asked_for, parse_query
from retrieval.relax import constraints, relax
from retrieval.reranker import RelevanceScorer
from retrieval.snapshot import load_snapshot, save_snapshot
from retrieval.state import CatalogState
from retrieval.table import DocTable, Vocabulary
from retrieval.writes import write_plan

SearchMode = Literal["hybrid", "dense", "bm25"]


class SearchHit(BaseModel):
    """One matching item (variant)."""

    product_id: str
    item_id: str
    name: str
    product_type: str
    options: dict[str, str]
    price: float
    available: bool
    score: float = Field(
        description="Relevance score, higher is better: the re-ranker's when one ordered the "
        "hits, else the fused one."
    )
    brand: str | None = None


class SearchResult(BaseModel):
    """Hits plus the filters actually applied and, when they were relaxed, why."""

    hits: list[SearchHit]
    filters: SearchFilters = Field(description="The filters every hit satisfies.")
    relaxation: str | None = Field(
        default=None, description="Which constraint left nothing, and what was dropped."
    )
    understood: list[str] = Field(
        default_factory=list, description="Constraints read from the query text."
    )


@dataclass(frozen=True)
class _Snapshot:
    table: DocTable
    lexical: LexicalIndex
    vectors: np.ndarray  # row i is the embedding of table.doc_ids[i]
    codes: HalfCodes  # the same vectors in half precision, for exact scans of many rows


_CHANNELS = ThreadPoolExecutor(
    max_workers=max(1, os.cpu_count() or 1), thread_name_prefix="search-lexical"
)
"""Runs hybrid search's lexical channel beside the calling thread's dense one (one pool for
every index)."""
PARALLEL_ROWS = 50_000
"""Documents from which a hybrid search runs its two channels side by side."""


class CatalogIndex:
    """The product catalog, searchable by meaning, words and attributes."""

    def __init__(
        self,
        client: Any,
        embedder: Embedder,
        lexical_dir: Path,
        collection: str = "products",
        *,
        candidate_depth: int = 40,
        dense_strategy: DenseStrategy = "auto",
        rrf_k: int = 10,
        lexical_weight: float = 2.0,
        lexical_min_match: float = 0.5,
        reranker: RelevanceScorer | None = None,
        rerank_depth: int = 20,
    ) -> None:
        """Open (or create) the index.

        Args:
            client: A Chroma client (`retrieval.chroma.make_client`).
            embedder: The embedding model; the collection remembers its name.
            lexical_dir: Folder for the BM25 index and the catalog record (SQLite).
            collection: Chroma collection name; also names the files in `lexical_dir`.
            candidate_depth: Candidates each channel contributes to the fusion.
                The three fusion defaults below were chosen on the tuning queries by
                `python -m evals.retrieval.tune`.
            dense_strategy: "auto" plans each filtered query (see `retrieval.dense`);
                "where" always lets Chroma pre-filter with a `where` clause.
            rrf_k: The fusion's rank constant (larger: flatter, more weight to agreement).
            lexical_weight: The lexical ranking's weight in the fusion, times the share of
                query words the BM25 index knows; the dense ranking weighs 1.
            lexical_min_match: In hybrid search, the share of the query's words a document
                must hold to enter the lexical ranking (BM25 alone ranks every document
                holding one): a single shared word is weak evidence next to the dense one.
            reranker: Orders the fused shortlist again (e.g. `retrieval.reranker.Reranker`);
                it only sees items that passed every filter.
            rerank_depth: How many fused hits the re-ranker orders (at least `k`).
        """
        if rerank_depth < 1:
            raise ValueError(f"rerank_depth must be at least 1, got {rerank_depth}")
        self.client = client
        self.embedder = embedder
        self.collection_name = collection
        self.collection = open_collection(client, collection, embedder.name, embedder.dimension)
        self.lexical_dir = Path(lexical_dir)
        self.lexical_dir.mkdir(parents=True, exist_ok=True)
        self.candidate_depth = candidate_depth
        self.dense_strategy: DenseStrategy = dense_strategy
        self.rrf_k = rrf_k
        self.lexical_weight = lexical_weight
        self.lexical_min_match = lexical_min_match
        self.reranker = reranker
        self.rerank_depth = rerank_depth
        self._state = CatalogState(self.lexical_dir / f"{collection}.sqlite")
        self._lexical_folder = self.lexical_dir / f"{collection}.bm25"
        self._lock = threading.RLock()
        self._snapshot = self._load(None)
        self._version = self._state.version()

    # ----------------------------------------------------------------- loading

    def refresh(self) -> bool:
        """Load what another process (an import) wrote since this index was loaded; True if
        anything had changed. Searches call it, so a running API or UI picks up imports."""
        if self._state.version() == self._version:
            return False
        with self._lock:
            # Read before loading, and again under the lock: concurrent searches reload once,
            # and a write landing during the load is picked up by the next search.
            version = self._state.version()
            if version == self._version:
                return False
            self._snapshot = self._load(self._snapshot)
            self._version = version
        return True

    def _load(
        self,
        previous: _Snapshot | None,
        rebuild: bool = False,
        new_vectors: dict[str, np.ndarray] | None = None,
    ) -> _Snapshot:
        # Grouped by product type: a type filter then reads one contiguous block of vectors.
        rows = self._state.doc_metas_by_type()
        ids = [doc_id for doc_id, _ in rows]
        loaded = None if rebuild else load_snapshot(self._lexical_folder)
        if loaded is not None and loaded[0].doc_ids == ids:
            lexical, vectors = loaded
        else:
            texts = self._state.doc_texts()
            lexical = LexicalIndex.build(ids, [texts[doc_id] for doc_id in ids])
            del texts
            vectors = self._assemble_vectors(ids, new_vectors or {}, previous)
            save_snapshot(self._lexical_folder, lexical, vectors)
        table = DocTable(ids, [meta for _, meta in rows])
        return _Snapshot(table, lexical, vectors, HalfCodes(vectors))

    def _assemble_vectors(
        self, ids: list[str], new: dict[str, np.ndarray], old: _Snapshot | None
    ) -> np.ndarray:
        """Vectors in `ids` order: just embedded, else from the previous snapshot, else Chroma."""
        out = np.zeros((len(ids), self.embedder.dimension), dtype=np.float32)
        missing: list[int] = []
        for row, doc_id in enumerate(ids):
            if doc_id in new:
                out[row] = new[doc_id]
            elif old is not None and doc_id in old.table.position:
                out[row] = old.vectors[old.table.position[doc_id]]
            else:
                missing.append(row)
        step = 1000
        for start in range(0, len(missing), step):
            chunk = [ids[r] for r in missing[start : start + step]]
            got = self.collection.get(ids=chunk, include=["embeddings"])
            by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
            for r, doc_id in zip(missing[start : start + step], chunk, strict=True):
                if doc_id in by_id:  # else re-embedded by the next ingest's reconciliation
                    out[r] = by_id[doc_id]
        return out

    @property
    def vocabulary(self) -> Vocabulary:
        """Types, brands and option values of the indexed catalog."""
        return self._snapshot.table.vocabulary

    def count(self) -> int:
        """Number of indexed items (variants)."""
        self.refresh()
        return len(self._snapshot.table)

    def get_product(self, product_id: str) -> Product | None:
        """The stored product, or None when the id is unknown."""
        body = self._state.product_body(product_id)
        return Product.model_validate_json(body) if body is not None else None

    def product_ids(self) -> list[str]:
        """The ids of every indexed product, sorted."""
        return sorted(self._state.product_hashes())

    def products(self) -> list[Product]:
        """Every indexed product."""
        return [p for i in self.product_ids() if (p := self.get_product(i)) is not None]

    def close(self) -> None:
        """Release the catalog record (Chroma clients close themselves)."""
        self._state.close()

    # ------------------------------------------------------------------ ingest

    def _chroma_ids(self) -> set[str]:
        ids: set[str] = set()
        page = 5000
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            ids.update(got)
            if len(got) < page:
                return ids
            offset += page

    def _reconcile(self) -> set[str]:
        """Stored documents missing from Chroma (re-embedded); Chroma strays are deleted."""
        stored = self._state.doc_ids()
        if self.collection.count() == len(stored):
            return set()
        in_chroma = self._chroma_ids()
        strays = sorted(in_chroma - set(stored))
        step = batched_size(self.client)
        for start in range(0, len(strays), step):
            self.collection.delete(ids=strays[start : start + step])
        return set(stored) - in_chroma

    def ingest(
        self,
        products: Iterable[Product],
        *,
        remove_missing: bool = True,
        progress: ProgressCallback | None = None,
        batch_size: int = 256,
        keep: Iterable[str] = (),
    ) -> IngestSummary:
        """Bring the index in line with `products`, doing only the work that changed.

        Unchanged items (same content hash) are skipped; items whose text changed are
        re-embedded; items whose price or stock changed are updated without embedding;
        items no longer present are deleted from Chroma and from the lexical index.

        Args:
            products: The catalog (or, with `remove_missing=False`, products to add or
                replace).
            remove_missing: Delete indexed products that are not in `products`.
            progress: Called as `progress(stage, done, total)`.
            batch_size: Texts per embedding call.
            keep: Product ids whose stored version must stay as it is (neither replaced nor
                removed), e.g. products with rejected rows in the imported file.
        """
        start = time.perf_counter()
        products = unique_products(products)
        report = progress or (lambda stage, done, total: None)
        with self._lock:
            stored = self._state.product_hashes()
            kept = {pid for pid in keep if pid in stored}
            products = [p for p in products if p.product_id not in kept]
            fresh = self.collection.count() == 0
            missing = self._reconcile()
            force_products = (
                {r.product_id for r in self._state.docs() if r.doc_id in missing}
                if missing
                else set()
            )
            plan = plan_ingest(
                products,
                {pid: h for pid, h in stored.items() if pid not in kept},
                self._state.docs,
                remove_missing=remove_missing,
                force_docs=missing,
                force_products=force_products,
            )
            new_vectors = write_plan(
                self.collection,
                self.embedder,
                plan,
                embed_batch=batch_size,
                write_batch=batched_size(self.client),
                fresh=fresh,
                report=report,
            )
            if not plan.empty:
                self._state.apply(
                    plan.product_rows, plan.remove_products, plan.store_docs, plan.remove_docs
                )
                report("lexical", 0, 1)
                self._snapshot = self._load(self._snapshot, plan.changes_text, new_vectors)
                report("lexical", 1, 1)
        return IngestSummary(
            added=plan.added,
            updated=plan.updated,
            unchanged=plan.unchanged,
            removed=len(plan.remove_docs),
            seconds=round(time.perf_counter() - start, 3),
            embedded=len(plan.embed),
            products=len(products),
            kept=len(kept),
        )

    # ------------------------------------------------------------------ search

    def embed_query(self, text: str) -> np.ndarray:
        """The query vector (`SentenceEmbedder` remembers recent texts: shoppers repeat and
        refine queries)."""
        return self.embedder.encode([text])[0]

    def _stats(self, table: DocTable, filters: SearchFilters) -> tuple[int, float]:
        selection = table.select(filters)
        if not selection.count:
            return 0, 0.0
        return selection.count, float(table.price[selection.rows()].min())

    def understand(self, query: str) -> ParsedQuery:
        """The filters and ranking text read from `query` with this catalog's vocabulary."""
        return parse_query(query, self._snapshot.table.vocabulary)

    def not_carried(self, query: str) -> list[str]:
        """What a "do you sell X" query asks for that no product text mentions (after
        spelling correction): the catalog does not carry it, whatever search finds nearby."""
        unknown = set(self._snapshot.lexical.unknown(query))
        return [word for word in asked_for(query) if word in unknown]

    def search(
        self,
        query: str,
        filters: SearchFilters | None = None,
        k: int = 10,
        *,
        mode: SearchMode = "hybrid",
        parse: bool = True,
        allow_relaxation: bool = True,
        query_embedding: np.ndarray | None = None,
        rerank: bool = True,
    ) -> SearchResult:
        """Find the items best matching `query` among those satisfying every filter.

        Args:
            query: Free text; constraints in it ("under $50", "size M") become filters.
            filters: Explicit filters; they win over ones read from the text, per field.
            k: Number of hits.
            mode: "hybrid" (default), or one channel alone ("dense", "bm25").
            parse: Read constraints from the query text.
            allow_relaxation: When nothing matches, drop the fewest constraints that give
                results and say so in `relaxation`.
            query_embedding: A precomputed query vector (skips the embedding model).
            rerank: Let the index's re-ranker (if it has one) order the fused shortlist.
        """
        self.refresh()
        snap = self._snapshot
        table = snap.table
        parsed = (
            parse_query(query, table.vocabulary) if parse else ParsedQuery(query, SearchFilters())
        )
        applied = (filters or SearchFilters()).merged(parsed.filters)
        selection = table.select(applied)
        note: str | None = None
        if not selection.count and len(table):
            found = relax(applied, lambda f: self._stats(table, f)) if allow_relaxation else None
            described = ", ".join(c.describe(applied) for c in constraints(applied))
            if found is None:
                note = f"No items match all of: {described}."
            else:
                applied, selection, note = found.filters, table.select(found.filters), found.message
        if not selection.count or k <= 0:
            return SearchResult(
                hits=[], filters=applied, relaxation=note, understood=parsed.understood
            )

        reranker = self.reranker if rerank else None
        shortlist = max(k, self.rerank_depth) if reranker is not None else k
        depth = max(shortlist, self.candidate_depth)
        text = parsed.text or query
        hybrid = mode == "hybrid"

        def lexical_channel() -> tuple[list[tuple[int, int]], float]:
            min_match = self.lexical_min_match if hybrid else 0.0
            found = snap.lexical.top(text, selection.mask, depth, min_match, selection.spans)
            weight = self.lexical_weight * snap.lexical.coverage(text) if hybrid else 1.0
            return ranks_with_ties(found), weight

        rankings: list[list[tuple[int, int]]] = []
        weights: list[float] = []
        # In hybrid search over a large catalog the lexical channel runs on a worker thread
        # while this one scans the vectors: both spend their time in numpy and Chroma, which
        # release the GIL. On a small one the hand-over would cost more than it saves.
        side_by_side = hybrid and len(table) >= PARALLEL_ROWS
        lexical = _CHANNELS.submit(lexical_channel) if side_by_side else None
        if mode in ("hybrid", "dense"):
            vector = query_embedding if query_embedding is not None else self.embed_query(text)
            dense_hits = dense_search(
                self.collection,
                snap.vectors,
                table,
                applied,
                selection,
                vector,
                depth,
                self.dense_strategy,
                snap.codes,
            )
            rankings.append([(pos, rank) for rank, pos in enumerate(dense_hits, start=1)])
            weights.append(1.0)
        if mode in ("hybrid", "bm25"):
            # a worker that never started (every one busy) is not waited for
            if lexical is None or lexical.cancel():
                ranking, weight = lexical_channel()
            else:
                ranking, weight = lexical.result()
            rankings.append(ranking)
            weights.append(weight)
        fused = reciprocal_rank_fusion(rankings, weights, self.rrf_k)[:shortlist]
        if reranker is not None and fused:
            fused = self._rerank(reranker, text, table, fused)
        fused = fused[:k]
        hits = [self._hit(table.meta(pos), score) for pos, score in fused]
        return SearchResult(
            hits=hits, filters=applied, relaxation=note, understood=parsed.understood
        )

    def _rerank(
        self,
        reranker: RelevanceScorer,
        text: str,
        table: DocTable,
        fused: list[tuple[int, float]],
    ) -> list[tuple[int, float]]:
        """The shortlist ordered by the re-ranker's scores (ties keep the fused order).

        The shortlist's texts are read from the catalog record: holding every indexed text
        in memory would cost hundreds of MB at a million items, for twenty reads a query.
        """
        by_id = self._state.texts_of([table.doc_ids[pos] for pos, _ in fused])
        scores = reranker.score(text, [by_id[table.doc_ids[pos]] for pos, _ in fused])
        order = sorted(range(len(fused)), key=lambda i: (-float(scores[i]), i))
        return [(fused[i][0], float(scores[i])) for i in order]

    @staticmethod
    def _hit(meta: dict[str, Any], score: float) -> SearchHit:
        return SearchHit(
            product_id=meta["product_id"],
            item_id=meta["item_id"],
            name=meta["name"],
            product_type=meta["product_type"],
            options=meta["options"],
            price=meta["price"],
            available=meta["available"],
            score=round(score, 6),
            brand=meta.get("brand"),
        )
