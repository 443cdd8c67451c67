"""Search and ingest benchmark: hybrid search next to a raw Chroma query, ingest next to raw
`SentenceTransformer.encode`, unchanged re-ingest next to first ingest. Prints ratios.

    python -m benchmarks.search                      # 10k and 100k items
    python -m benchmarks.search --sizes 10000 --queries 100

Scale runs do not embed every text with the model (100k texts take many minutes on 2 CPU
cores): vectors for a pool of real MiniLM embeddings are reused with a small per-text
perturbation. Query vectors are real. Search latency is timed after the query embedding: the
same precomputed vector goes to the hybrid search and to the raw Chroma query.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from retrieval.catalog import Product
from retrieval.chroma import make_client
from retrieval.documents import product_docs
from retrieval.embeddings import SentenceEmbedder, load_embedder
from retrieval.search import CatalogIndex
from retrieval.synthetic import TYPES, catalog_with_items


class PooledEmbedder:
    """Real MiniLM vectors from a pool, reused per text with a deterministic small perturbation."""

    def __init__(self, pool: np.ndarray, noise: float = 0.08) -> None:
        self.pool = pool
        self.noise = noise
        self.name = "benchmark-pooled-minilm"
        self.dimension = pool.shape[1]
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts_encoded += len(texts)
        seeds = [zlib.crc32(t.encode()) for t in texts]
        base = self.pool[[s % len(self.pool) for s in seeds]]
        noise = np.stack(
            [np.random.default_rng(s).standard_normal(self.dimension) for s in seeds]
        ).astype(np.float32)
        out = base + self.noise * noise / np.sqrt(self.dimension)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def make_queries(n: int, seed: int = 7) -> list[str]:
    """Shopper-like queries over the synthetic vocabulary, about half with constraints."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        spec = rng.choice(TYPES)
        kind = spec.name.lower()
        color = rng.choice(spec.options.get("color", ["black"]))
        templates = [
            f"{color} {kind}",
            f"{kind} under ${rng.choice([20, 30, 50, 80, 100, 200])}",
            f"{rng.choice(spec.points)} {kind}",
            f"{rng.choice(spec.brands)} {kind} in stock",
            f"{kind} between ${rng.choice([10, 20, 40])} and ${rng.choice([60, 90, 150])}",
            f"something with {rng.choice(spec.points)}",
            f"{color} {kind} size {rng.choice(spec.options['size'])}"
            if "size" in spec.options
            else f"{kind} for a gift",
        ]
        out.append(rng.choice(templates))
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def texts_of(products: list[Product]) -> list[str]:
    return [d.text for p in products for d in product_docs(p)]


def bench_throughput(
    model: SentenceEmbedder, items: int, workdir: Path
) -> tuple[dict[str, float], np.ndarray]:
    """Ingest with the real model vs raw encode on the same texts; re-ingest vs first.

    Returns the numbers and the raw vectors (reused as the pool for the scale runs).
    """
    products = catalog_with_items(items, seed=11)
    texts = texts_of(products)
    st_model = model._model
    # Raw baseline: the library call alone, same batch size as ingest uses.
    start = time.perf_counter()
    vectors = st_model.encode(
        texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
    )
    raw_s = time.perf_counter() - start
    index = CatalogIndex(make_client(workdir / "tp-chroma"), model, workdir / "tp-lex")
    first = index.ingest(products, batch_size=64)
    again = index.ingest(products)
    assert again.embedded == 0 and again.unchanged == items
    numbers = {
        "items": items,
        "raw_encode_s": raw_s,
        "ingest_s": first.seconds,
        "reingest_s": again.seconds,
    }
    return numbers, np.asarray(vectors, dtype=np.float32)


def bench_scale(
    size: int, pool: np.ndarray, queries: list[str], vectors: np.ndarray, workdir: Path
) -> dict[str, Any]:
    products = catalog_with_items(size, seed=size)
    embedder = PooledEmbedder(pool)
    folder = workdir / f"scale-{size}"
    index = CatalogIndex(make_client(folder / "chroma"), embedder, folder / "lex")
    first = index.ingest(products, batch_size=1024)
    again = index.ingest(products)
    assert again.embedded == 0 and again.unchanged == size
    # Reopen, as a server would after ingest, so both paths query a settled collection.
    del index
    index = CatalogIndex(make_client(folder / "chroma"), embedder, folder / "lex")
    collection = index.collection
    wheres = [index.search(q, k=10, query_embedding=v).filters.chroma_where() for q, v in
              zip(queries, vectors, strict=True)]  # fmt: skip
    for q, v in list(zip(queries, vectors, strict=True))[:20]:  # warm-up
        index.search(q, k=10, query_embedding=v)
        collection.query(query_embeddings=[v], n_results=10, include=["distances"])
    hybrid, raw, raw_where = [], [], []
    for i, (q, v) in enumerate(zip(queries, vectors, strict=True)):
        runs = [
            (hybrid, lambda q=q, v=v: index.search(q, k=10, query_embedding=v)),
            (raw, lambda v=v: collection.query(query_embeddings=[v], n_results=10,
                                               include=["metadatas", "distances"])),
            (raw_where, lambda v=v, w=wheres[i]: collection.query(
                query_embeddings=[v], n_results=10, where=w, include=["metadatas", "distances"])),
        ]  # fmt: skip
        for bucket, fn in runs[i % 3 :] + runs[: i % 3]:  # rotate order to spread drift
            bucket.append(timed(fn))
    filtered = sum(1 for w in wheres if w)
    index.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "items": size,
        "products": len(products),
        "filtered_queries": filtered,
        "hybrid_p50": pct(hybrid, 0.5),
        "hybrid_p95": pct(hybrid, 0.95),
        "raw_p50": pct(raw, 0.5),
        "raw_p95": pct(raw, 0.95),
        "raw_where_p50": pct(raw_where, 0.5),
        "raw_where_p95": pct(raw_where, 0.95),
        "ingest_s": first.seconds,
        "reingest_s": again.seconds,
    }


def print_report(tp: dict[str, float], scales: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    print(f"\nmachine: {os.cpu_count()} cores, load average at start {meta['load']}")
    print(f"queries: {meta['queries']} (real MiniLM query vectors, embedded beforehand)")
    print(f"scale vectors: pool of {meta['pool']} real MiniLM vectors, perturbed per text\n")
    header = f"| {'measure':<44} |" + "".join(f" {s['items']:>12,} items |" for s in scales)
    print(header)
    print("|" + "-" * 46 + "|" + "".join("-" * 20 + "|" for _ in scales))

    def row(label: str, fn: Callable[[dict[str, Any]], str]) -> None:
        print(f"| {label:<44} |" + "".join(f" {fn(s):>18} |" for s in scales))

    row("hybrid search p50 / p95 (ms)", lambda s: f"{s['hybrid_p50']:.1f} / {s['hybrid_p95']:.1f}")
    row("raw Chroma query p50 / p95 (ms)", lambda s: f"{s['raw_p50']:.1f} / {s['raw_p95']:.1f}")
    row("raw Chroma, same where, p50 / p95 (ms)",
        lambda s: f"{s['raw_where_p50']:.1f} / {s['raw_where_p95']:.1f}")  # fmt: skip
    row("hybrid p95 / raw p95", lambda s: f"{s['hybrid_p95'] / s['raw_p95']:.2f}x")
    row("hybrid p95 / raw same-where p95",
        lambda s: f"{s['hybrid_p95'] / s['raw_where_p95']:.2f}x")  # fmt: skip
    row("queries with filters", lambda s: f"{s['filtered_queries']}/{meta['queries']}")
    row("first ingest, pooled vectors (s)", lambda s: f"{s['ingest_s']:.1f}")
    row("unchanged re-ingest (s)", lambda s: f"{s['reingest_s']:.2f}")
    row("first / unchanged re-ingest", lambda s: f"{s['ingest_s'] / s['reingest_s']:.0f}x")
    print()
    if not tp:
        return
    n = tp["items"]
    print(f"| ingest throughput, real MiniLM, {n:,} items | items/s | seconds |")
    print("|---|---|---|")
    print(f"| raw SentenceTransformer.encode (same texts) | {n / tp['raw_encode_s']:.1f} | "
          f"{tp['raw_encode_s']:.1f} |")  # fmt: skip
    print(f"| CatalogIndex.ingest (embed + Chroma + BM25 + state) | {n / tp['ingest_s']:.1f} | "
          f"{tp['ingest_s']:.1f} |")  # fmt: skip
    print(f"| ingest / raw encode time | {tp['ingest_s'] / tp['raw_encode_s']:.2f}x | |")
    print(f"| unchanged re-ingest | | {tp['reingest_s']:.2f} |")
    print(f"| first / unchanged re-ingest | {tp['ingest_s'] / tp['reingest_s']:.0f}x | |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--throughput-items", type=int, default=500)
    parser.add_argument("--pool", type=int, default=500, help="pool size without throughput")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp dir)")
    args = parser.parse_args(argv)
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="shopassist-bench-"))
    model = load_embedder("bundled:all-MiniLM-L6-v2")
    print(f"[1/3] ingest throughput on {args.throughput_items} items ...", flush=True)
    # (0 skips it)
    if args.throughput_items > 0:
        tp, pool = bench_throughput(model, args.throughput_items, workdir)
    else:  # scale runs only: a pool of real vectors is still needed
        tp, pool = {}, model.encode(texts_of(catalog_with_items(args.pool, seed=11)))
    queries = make_queries(args.queries)
    print(f"[2/3] embedding {len(queries)} queries ...", flush=True)
    vectors = model.encode(queries)
    scales = []
    for size in args.sizes:
        print(f"[3/3] scale {size:,} items ...", flush=True)
        scales.append(bench_scale(size, pool, queries, vectors, workdir))
    meta = {"load": load, "queries": len(queries), "pool": len(pool)}
    print_report(tp, scales, meta)
    if args.json:
        args.json.write_text(json.dumps({"throughput": tp, "scales": scales, **meta}, indent=2))
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
