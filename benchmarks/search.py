"""Search and ingest benchmark: hybrid search next to a raw Chroma query, ingest next to raw
`SentenceTransformer.encode`, unchanged re-ingest next to first ingest; memory and disk.
Prints ratios and writes them to `benchmarks/results/search.json` and `search.md`.

    python -m benchmarks.search                      # 10k and 100k items
    python -m benchmarks.search --sizes 10000 --queries 100
    python -m benchmarks.search --sizes 1000000 --workdir W --keep   # then --reuse: search only

Scale runs do not embed every text with the model (100k texts take many minutes on 2 CPU
cores): vectors for a pool of real MiniLM embeddings are reused with a small per-text
perturbation. Query vectors are real. Search latency is timed after the query embedding: the
same precomputed vector goes to the hybrid search and to the raw Chroma query.

Each size is ingested in a fresh process and then searched in another fresh process that
opens the index, as a server would after an ingest: each process's peak resident memory is
its own, and the searching process's is what serving the catalog takes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from benchmarks.figures import pct, write_results
from retrieval.catalog import Product
from retrieval.chroma import make_client
from retrieval.documents import product_docs
from retrieval.embeddings import SentenceEmbedder, load_embedder
from retrieval.search import CatalogIndex
from retrieval.synthetic import TYPES, catalog_with_items

RESULTS = Path(__file__).with_name("results")
MB = 1024 * 1024


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


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def texts_of(products: list[Product]) -> list[str]:
    return [d.text for p in products for d in product_docs(p)]


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB.

    Linux's VmHWM, which starts afresh at exec; `ru_maxrss` keeps the peak of the process
    that forked a spawned worker (the parent, with the embedding model loaded).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def disk_mb(path: Path) -> float:
    """Bytes of the files under `path` (or of the file), in MiB."""
    if path.is_file():
        return path.stat().st_size / MB
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / MB


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


def ingest_job(size: int, pool: np.ndarray, folder: Path) -> dict[str, Any]:
    """First ingest and unchanged re-ingest of a `size`-item catalog (run in its own process)."""
    products = catalog_with_items(size, seed=size)
    index = CatalogIndex(make_client(folder / "chroma"), PooledEmbedder(pool), folder / "lex")
    first = index.ingest(products, batch_size=1024)
    again = index.ingest(products)
    assert again.embedded == 0 and again.unchanged == size
    index.close()
    return {
        "products": len(products),
        "ingest_s": first.seconds,
        "reingest_s": again.seconds,
        "ingest_peak_rss_mb": peak_rss_mb(),
    }


def search_job(
    folder: Path, pool: np.ndarray, queries: list[str], vectors: np.ndarray, where_queries: int
) -> dict[str, Any]:
    """Open the index and time hybrid search against raw Chroma (run in its own process)."""
    start = time.perf_counter()
    index = CatalogIndex(make_client(folder / "chroma"), PooledEmbedder(pool), folder / "lex")
    open_s = time.perf_counter() - start
    collection = index.collection
    wheres = [index.search(q, k=10, query_embedding=v).filters.chroma_where() for q, v in
              zip(queries, vectors, strict=True)]  # fmt: skip
    for q, v in list(zip(queries, vectors, strict=True))[:20]:  # warm-up
        index.search(q, k=10, query_embedding=v)
        collection.query(query_embeddings=[v], n_results=10, include=["distances"])
    hybrid: list[float] = []
    raw: list[float] = []
    fields = ["metadatas", "distances"]
    for i, (q, v) in enumerate(zip(queries, vectors, strict=True)):
        runs: list[tuple[list[float], Callable[[], Any]]] = [
            (hybrid, partial(index.search, q, k=10, query_embedding=v)),
            (raw, partial(collection.query, query_embeddings=[v], n_results=10, include=fields)),
        ]
        for bucket, fn in runs[i % 2 :] + runs[: i % 2]:  # alternate order to spread drift
            bucket.append(timed(fn))
    # Chroma's own filtering takes up to seconds a query at scale: timed in a pass of its
    # own, so that it neither lengthens the run nor disturbs the caches of the pair above.
    raw_where = [
        timed(
            partial(collection.query, query_embeddings=[v], n_results=10, where=w, include=fields)
        )
        for v, w in list(zip(vectors, wheres, strict=True))[:where_queries]
    ]
    index.close()
    return {
        "filtered_queries": sum(1 for w in wheres if w),
        "hybrid_p50": pct(hybrid, 0.5),
        "hybrid_p95": pct(hybrid, 0.95),
        "raw_p50": pct(raw, 0.5),
        "raw_p95": pct(raw, 0.95),
        "raw_where_p50": pct(raw_where, 0.5),
        "raw_where_p95": pct(raw_where, 0.95),
        "where_queries": len(raw_where),
        "open_s": open_s,
        "search_peak_rss_mb": peak_rss_mb(),
    }


def in_fresh_process(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """`fn(*args)` in a new interpreter, so that its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(fn, *args).result()


def bench_scale(
    size: int,
    pool: np.ndarray,
    queries: list[str],
    vectors: np.ndarray,
    workdir: Path,
    where_queries: int,
    keep: bool = False,
    reuse: bool = False,
) -> dict[str, Any]:
    folder = workdir / f"scale-{size}"
    numbers: dict[str, Any] = {"items": size}
    if reuse and (folder / "chroma").is_dir():
        print(f"    reusing the index kept in {folder} (no ingest figures)", flush=True)
    else:
        numbers.update(in_fresh_process(ingest_job, size, pool, folder))
    lexical = folder / "lex"
    numbers["disk_mb"] = {
        "chroma": disk_mb(folder / "chroma"),
        "vectors": disk_mb(lexical / "products.bm25" / "vectors.npy"),
        "bm25": disk_mb(lexical / "products.bm25" / "bm25"),
        "catalog_record": sum(disk_mb(f) for f in lexical.glob("products.sqlite*")),
    }
    numbers["disk_mb"]["total"] = sum(numbers["disk_mb"].values())
    numbers.update(in_fresh_process(search_job, folder, pool, queries, vectors, where_queries))
    if not (keep or reuse):
        shutil.rmtree(folder, ignore_errors=True)
    return numbers


ROWS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("hybrid search p50 / p95 (ms)", lambda s: f"{s['hybrid_p50']:.1f} / {s['hybrid_p95']:.1f}"),
    ("raw Chroma query p50 / p95 (ms)", lambda s: f"{s['raw_p50']:.1f} / {s['raw_p95']:.1f}"),
    ("raw Chroma, same where, p50 / p95 (ms; first queries)",
     lambda s: f"{s['raw_where_p50']:.1f} / {s['raw_where_p95']:.1f}"),
    ("hybrid p50 / raw p50", lambda s: f"{s['hybrid_p50'] / s['raw_p50']:.2f}x"),
    ("hybrid p95 / raw p95", lambda s: f"{s['hybrid_p95'] / s['raw_p95']:.2f}x"),
    ("hybrid p95 / raw same-where p95",
     lambda s: f"{s['hybrid_p95'] / s['raw_where_p95']:.2f}x"),
    ("first ingest, pooled vectors (s)", lambda s: f"{s['ingest_s']:.1f}"),
    ("unchanged re-ingest (s)", lambda s: f"{s['reingest_s']:.2f}"),
    ("first / unchanged re-ingest", lambda s: f"{s['ingest_s'] / s['reingest_s']:.0f}x"),
    ("open the index (s)", lambda s: f"{s['open_s']:.1f}"),
    ("peak RSS, searching process (MiB)", lambda s: f"{s['search_peak_rss_mb']:,.0f}"),
    ("peak RSS, ingesting process (MiB)", lambda s: f"{s['ingest_peak_rss_mb']:,.0f}"),
    ("on disk: Chroma (MiB)", lambda s: f"{s['disk_mb']['chroma']:,.0f}"),
    ("on disk: vector copy + BM25 (MiB)",
     lambda s: f"{s['disk_mb']['vectors']:,.0f} + {s['disk_mb']['bm25']:,.0f}"),
    ("on disk: catalog record (MiB)", lambda s: f"{s['disk_mb']['catalog_record']:,.0f}"),
    ("on disk: total (MiB)", lambda s: f"{s['disk_mb']['total']:,.0f}"),
]  # fmt: skip


def scale_table(scales: list[dict[str, Any]], meta: dict[str, Any]) -> list[str]:
    """The scale figures as a markdown table, one column per catalog size."""
    lines = ["| measure |" + "".join(f" {s['items']:,} items |" for s in scales)]
    lines.append("|---|" + "---|" * len(scales))
    filtered = ("queries with filters", lambda s: f"{s['filtered_queries']}/{meta['queries']}")
    rows = [*ROWS[:6], filtered, *ROWS[6:]]
    lines += [f"| {label} |" + "".join(f" {_cell(fn, s)} |" for s in scales) for label, fn in rows]
    return lines


def _cell(fn: Callable[[dict[str, Any]], str], scale: dict[str, Any]) -> str:
    """One figure of the table; "not run" for the ingest figures of a reused index (a run
    that ingested has every figure: a missing one there is an error)."""
    try:
        return fn(scale)
    except KeyError:
        if "ingest_s" in scale:
            raise
        return "not run"


def throughput_table(tp: dict[str, float]) -> list[str]:
    """Real-model ingest next to raw encode, as a markdown table."""
    if not tp:
        return []
    n = tp["items"]
    return [
        f"| ingest throughput, real MiniLM, {n:,} items | items/s | seconds |",
        "|---|---|---|",
        f"| raw SentenceTransformer.encode (same texts) | {n / tp['raw_encode_s']:.1f} | "
        f"{tp['raw_encode_s']:.1f} |",
        f"| CatalogIndex.ingest (embed + Chroma + BM25 + state) | {n / tp['ingest_s']:.1f} | "
        f"{tp['ingest_s']:.1f} |",
        f"| ingest / raw encode time | {tp['ingest_s'] / tp['raw_encode_s']:.2f}x | |",
        f"| unchanged re-ingest | | {tp['reingest_s']:.2f} |",
        f"| first / unchanged re-ingest | {tp['ingest_s'] / tp['reingest_s']:.0f}x | |",
    ]


def report(tp: dict[str, float], scales: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The whole report as markdown text."""
    head = [
        f"machine: {meta['cores']} cores, load average at start {meta['load']}, "
        f"at end {meta['load_end']}",
        f"queries: {meta['queries']} (real MiniLM query vectors, embedded beforehand); "
        "hybrid and raw Chroma alternate query by query; Chroma's own `where` is timed "
        "afterwards on the first queries only",
        f"scale vectors: pool of {meta['pool']} real MiniLM vectors, perturbed per text",
        "",
    ]
    body = scale_table(scales, meta) if scales else []
    return "\n".join([*head, *body, "", *throughput_table(tp)]).rstrip() + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--where-queries", type=int, default=50, help="queries timed with Chroma's own where"
    )
    parser.add_argument("--throughput-items", type=int, default=500, help="0 skips it")
    parser.add_argument("--pool", type=int, default=500, help="pool size without throughput")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="folder for search.json and search.md"
    )
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp dir)")
    parser.add_argument(
        "--keep", action="store_true", help="keep each size's index in --workdir (scale-N)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="search an index a --keep run left in --workdir instead of ingesting again",
    )
    args = parser.parse_args(argv)
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="shopassist-bench-"))
    model = load_embedder("bundled:all-MiniLM-L6-v2")
    print(f"[1/3] ingest throughput on {args.throughput_items} items ...", flush=True)
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
        scales.append(
            bench_scale(
                size, pool, queries, vectors, workdir, args.where_queries, args.keep, args.reuse
            )
        )
    meta = {
        "cores": os.cpu_count(),
        "load": load,
        "load_end": "/".join(f"{x:.1f}" for x in os.getloadavg()),
        "queries": len(queries),
        "pool": len(pool),
    }
    text = report(tp, scales, meta)
    print("\n" + text)
    payload = {"throughput": tp, "scales": scales, **meta}
    write_results(args.results, "search", "Search benchmark", payload, text, argv)
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
