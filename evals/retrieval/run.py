"""Search quality on the demo catalog: NDCG@10 and Recall@10 for BM25, dense and hybrid.

    python -m evals.retrieval.run                 # index the τ² catalog in a temp dir
    python -m evals.retrieval.run --index-dir .data/eval-index   # keep (re-runs embed nothing)

Graded labels come from each query's stated intent in `queries.yaml` (see its header), over
the whole catalog, never from any system's output.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

QUERIES = Path(__file__).with_name("queries.yaml")
METRICS = ["ndcg@10", "ndcg@10-l2", "recall@10-l2", "recall@10"]
SYSTEMS: dict[str, dict[str, Any]] = {
    "bm25": {"mode": "bm25", "parse": True},
    "dense": {"mode": "dense", "parse": True},
    "hybrid": {"mode": "hybrid", "parse": True},
    "bm25 (text only)": {"mode": "bm25", "parse": False},
    "dense (text only)": {"mode": "dense", "parse": False},
    "hybrid (text only)": {"mode": "hybrid", "parse": False},
}


def grade(intent: dict[str, Any], product_type: str, variant: Any) -> int:
    """2: intended type meeting every stated constraint; 1: intended type only; 0: other."""
    if product_type not in intent["types"]:
        return 0
    options = {k.lower(): v.lower() for k, v in variant.options.items()}
    for key, values in (intent.get("options") or {}).items():
        if options.get(key.lower()) not in {str(v).lower() for v in values}:
            return 1
    if intent.get("max_price") is not None and variant.price > intent["max_price"]:
        return 1
    if intent.get("min_price") is not None and variant.price < intent["min_price"]:
        return 1
    if intent.get("available") is not None and variant.available != intent["available"]:
        return 1
    return 2


def load_queries(path: Path = QUERIES) -> list[dict[str, Any]]:
    """The labelled queries (id, category, query, intent)."""
    queries = yaml.safe_load(path.read_text())["queries"]
    ids = [q["id"] for q in queries]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate query ids")
    return queries


def qrels_for(queries: list[dict[str, Any]], products: list[Any]) -> dict[str, dict[str, int]]:
    """Graded relevance per query, from intents over every catalog item."""
    known = {p.product_type for p in products}
    qrels: dict[str, dict[str, int]] = {}
    for q in queries:
        missing = set(q["intent"]["types"]) - known
        if missing:
            raise ValueError(f"query {q['id']}: unknown product types {sorted(missing)}")
        labels = {
            v.item_id: g
            for p in products
            for v in p.variants
            if (g := grade(q["intent"], p.product_type, v))
        }
        if 2 not in labels.values():
            raise ValueError(f"query {q['id']}: no item meets its stated intent")
        qrels[q["id"]] = labels
    return qrels


def load_products(db_path: Path | None) -> list[Any]:
    """The demo catalog: a τ² db.json, or the one in the τ² package."""
    from retrieval.importers import import_tau2

    if db_path is not None:
        db = json.loads(db_path.read_text())
    else:
        from assistant.demo.tau2_data import retail_db

        db = retail_db()
    report = import_tau2(db)
    if report.errors:
        raise ValueError(report.summary())
    return report.products


def search_run(
    index: Any, queries: list[dict[str, Any]], kwargs: dict[str, Any]
) -> dict[str, dict[str, float]]:
    """Each query's top 10 under one system (`CatalogIndex.search` arguments), as a ranx run."""
    run: dict[str, dict[str, float]] = {}
    for q in queries:
        hits = index.search(q["query"], k=10, **kwargs).hits
        # Rank-based scores keep the system's order exactly (fused scores can tie).
        run[q["id"]] = {h.item_id: 1.0 / (rank + 1) for rank, h in enumerate(hits)}
        if not run[q["id"]]:
            run[q["id"]] = {"<none>": 0.0}
    return run


def open_index(products: list[Any], folder: Path | None, model: str) -> Any:
    """A `CatalogIndex` of `products` in `folder` (a temp dir when None), brought up to date."""
    from retrieval.chroma import make_client
    from retrieval.embeddings import load_embedder
    from retrieval.search import CatalogIndex

    folder = folder or Path(tempfile.mkdtemp(prefix="shopassist-eval-"))
    index = CatalogIndex(make_client(folder / "chroma"), load_embedder(model), folder / "lexical")
    summary = index.ingest(products)
    print(f"catalog: {len(products)} products, {index.count()} items ({summary.embedded} embedded)")
    return index


def evaluate(
    index: Any, queries: list[dict[str, Any]], qrels: dict[str, dict[str, int]]
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Scores per system (overall and per category) with ranx."""
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    qrels_obj = Qrels.from_dict(qrels)
    overall: dict[str, dict[str, float]] = {}
    by_category: dict[str, dict[str, float]] = defaultdict(dict)
    categories = sorted({q["category"] for q in queries})
    for name, kwargs in SYSTEMS.items():
        run = search_run(index, queries, kwargs)
        run_obj = Run.from_dict(run, name=name)
        overall[name] = {m: float(v) for m, v in ranx_evaluate(qrels_obj, run_obj, METRICS).items()}
        for category in categories:
            ids = [q["id"] for q in queries if q["category"] == category]
            sub_q = Qrels.from_dict({i: qrels[i] for i in ids})
            sub_r = Run.from_dict({i: run[i] for i in ids})
            by_category[category][name] = float(ranx_evaluate(sub_q, sub_r, "ndcg@10"))
    return overall, dict(by_category)


def against_target(overall: dict[str, dict[str, float]]) -> dict[str, tuple[float, float]]:
    """Per reading of the queries ("hybrid", "hybrid (text only)"): hybrid NDCG@10 and the
    better of BM25's and dense's, which it must reach."""
    out: dict[str, tuple[float, float]] = {}
    for suffix in ("", " (text only)"):
        best = max(overall["bm25" + suffix]["ndcg@10"], overall["dense" + suffix]["ndcg@10"])
        out["hybrid" + suffix] = (overall["hybrid" + suffix]["ndcg@10"], best)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Index the catalog, score every system on the queries, print and return the scores."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", type=Path, help="keep the index here between runs")
    parser.add_argument("--db", type=Path, help="a τ² db.json (default: from the τ² package)")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--model", default="bundled:all-MiniLM-L6-v2")
    parser.add_argument("--json", type=Path, help="also write the scores to this file")
    args = parser.parse_args(argv)

    products = load_products(args.db)
    queries = load_queries(args.queries)
    qrels = qrels_for(queries, products)
    index = open_index(products, args.index_dir, args.model)
    print(f"queries: {len(queries)}; labels: grade 2 = meets the stated intent, 1 = type only")
    print("(graded NDCG gives credit for type-only items, which hard filters leave out when")
    print(" fewer than 10 items meet every constraint; NDCG (grade 2) counts exact matches)\n")
    overall, by_category = evaluate(index, queries, qrels)

    print(
        f"| {'system':<20} | NDCG@10 (graded) | NDCG@10 (grade 2) | Recall@10 (grade 2) "
        "| Recall@10 (grade >= 1) |"
    )
    print(f"|{'-' * 22}|---|---|---|---|")
    for name, scores in overall.items():
        print(
            f"| {name:<20} | {scores['ndcg@10']:.3f} | {scores['ndcg@10-l2']:.3f} "
            f"| {scores['recall@10-l2']:.3f} | {scores['recall@10']:.3f} |"
        )
    names = list(SYSTEMS)
    print(f"\nNDCG@10 by category\n| {'category':<11} | n  | " + " | ".join(names) + " |")
    print("|" + "---|" * (len(names) + 2))
    for category, scores in by_category.items():
        n = sum(1 for q in queries if q["category"] == category)
        cells = " | ".join(f"{scores[s]:.3f}" for s in names)
        print(f"| {category:<11} | {n:<2} | {cells} |")
    for name, (hybrid, best) in against_target(overall).items():
        verdict = "meets" if hybrid >= best else "misses"
        print(f"{name} NDCG@10 {hybrid:.4f} {verdict} the target "
              f"(>= best single channel, {best:.4f})")  # fmt: skip
    result = {"overall": overall, "by_category": by_category, "queries": len(queries)}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    index.close()
    return result


if __name__ == "__main__":
    main()
