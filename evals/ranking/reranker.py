"""Hybrid search with and without the cross-encoder re-ranker: NDCG@10, Recall@10, latency.

    python -m evals.ranking.reranker --model .data/reranker           # a trained model
    python -m evals.ranking.reranker --model .data/reranker --train   # train it first

Two query sets: the hand-labelled `evals/retrieval/queries.yaml`, and queries generated from
the catalog with templates and a seed the training data never used (any generated query
whose text is also a training query is dropped). Labels follow each query's stated intent
(`evals.retrieval.run.grade`). Latency is wall time per query with the query embedding
already cached, so the difference between the two systems is the re-ranker's cost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from evals.retrieval.run import load_products, load_queries, open_index, qrels_for

REPORT = Path(__file__).parents[1] / "reports" / "ranking-reranker.md"
HELD_OUT_SEED = 9001
HELD_OUT_TEMPLATES: tuple[str, ...] = (
    "{type} that has {kv}",
    "do you sell {types} with {kv}",
    "{values} {types} please",
    "want to buy a {pre}{type}",
    "any {pre}{types}?",
    "{type}, {values}",
    "shopping for {pre}{types}",
    "a {type} in {values} would be great",
)
"""Phrasings no training query uses (compare `retrieval.rerank_data.TRAINING_TEMPLATES`)."""
METRICS = ["ndcg@10", "ndcg@10-l2", "recall@10-l2", "recall@10"]
SYSTEMS: dict[str, dict[str, Any]] = {
    "hybrid": {"mode": "hybrid", "parse": True, "rerank": False},
    "hybrid + re-ranker": {"mode": "hybrid", "parse": True, "rerank": True},
    # Constraints not read into filters: the ranking alone must honour them.
    "hybrid (text only)": {"mode": "hybrid", "parse": False, "rerank": False},
    "hybrid + re-ranker (text only)": {"mode": "hybrid", "parse": False, "rerank": True},
}
PAIRS = [("hybrid", "hybrid + re-ranker"), ("hybrid (text only)", "hybrid + re-ranker (text only)")]


def held_out_queries(
    products: list[Any], training_texts: set[str], per_type: int = 4
) -> list[dict[str, Any]]:
    """Generated queries in the `queries.yaml` format, none equal to a training query."""
    from retrieval.rerank_data import generate_queries

    out = []
    for n, q in enumerate(
        generate_queries(products, seed=HELD_OUT_SEED, per_type=per_type,
                         templates=HELD_OUT_TEMPLATES)
    ):  # fmt: skip
        if q.query in training_texts:
            continue
        intent: dict[str, Any] = {"types": [q.product_type]}
        if q.options:
            intent["options"] = {k: [v] for k, v in q.options.items()}
        category = "attributes" if q.options else "type"
        out.append({"id": f"gen-{n:04d}", "category": category, "query": q.query,
                    "intent": intent})  # fmt: skip
    return out


def score_systems(
    index: Any, queries: list[dict[str, Any]], qrels: dict[str, dict[str, int]]
) -> dict[str, dict[str, Any]]:
    """Metrics (ranx), per-category NDCG@10 and latency of each system on `queries`."""
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    for q in queries:  # warm the query-embedding cache, so both systems time the same work
        index.search(q["query"], k=10, rerank=False)
        index.search(q["query"], k=10, rerank=False, parse=False)
    judged = Qrels.from_dict(qrels)
    out: dict[str, dict[str, Any]] = {}
    for name, kwargs in SYSTEMS.items():
        times = []
        run: dict[str, dict[str, float]] = {}
        for q in queries:
            start = time.perf_counter()
            hits = index.search(q["query"], k=10, **kwargs).hits
            times.append((time.perf_counter() - start) * 1000)
            # Rank-based scores keep the system's order exactly (as `search_run` does).
            run[q["id"]] = {h.item_id: 1.0 / (r + 1) for r, h in enumerate(hits)} or {"<none>": 0.0}
        scores = ranx_evaluate(judged, Run.from_dict(run, name=name), METRICS)
        categories = {}
        for category in sorted({q["category"] for q in queries}):
            ids = [q["id"] for q in queries if q["category"] == category]
            sub = ranx_evaluate(
                Qrels.from_dict({i: qrels[i] for i in ids}),
                Run.from_dict({i: run[i] for i in ids}),
                "ndcg@10",
            )
            categories[category] = float(sub)
        out[name] = {
            "metrics": {m: float(v) for m, v in scores.items()},
            "categories": categories,
            "ms_mean": statistics.fmean(times),
            "ms_p50": statistics.median(times),
            "ms_p95": sorted(times)[int(0.95 * (len(times) - 1))],
        }
    return out


def _section(title: str, queries: list[dict[str, Any]], scores: dict[str, Any]) -> list[str]:
    lines = [
        f"## {title} ({len(queries)} queries)",
        "",
        "| system | NDCG@10 (graded) | NDCG@10 (grade 2) | Recall@10 (grade 2) "
        "| Recall@10 (grade >= 1) | ms/query mean | p50 | p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in scores.items():
        m = s["metrics"]
        lines.append(
            f"| {name} | {m['ndcg@10']:.3f} | {m['ndcg@10-l2']:.3f} | {m['recall@10-l2']:.3f} "
            f"| {m['recall@10']:.3f} | {s['ms_mean']:.1f} | {s['ms_p50']:.1f} "
            f"| {s['ms_p95']:.1f} |"
        )
    lines.append("")
    for base, ranked in PAIRS:
        added = scores[ranked]["ms_mean"] - scores[base]["ms_mean"]
        lines.append(f"Added latency, {ranked}: {added:.1f} ms per query (mean).")
    lines += ["", "NDCG@10 (graded) by category", "", "| category | " + " | ".join(scores) + " |",
              "|---" * (len(scores) + 1) + "|"]  # fmt: skip
    for category in scores["hybrid"]["categories"]:
        cells = " | ".join(f"{s['categories'][category]:.3f}" for s in scores.values())
        lines.append(f"| {category} | {cells} |")
    return [*lines, ""]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train (if asked) or load the re-ranker, score both systems, print and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="the re-ranker folder")
    parser.add_argument("--train", action="store_true", help="train into --model first")
    parser.add_argument("--db", type=Path, help="a τ² db.json (default: from the τ² package)")
    parser.add_argument("--index-dir", type=Path, help="keep the search index here")
    parser.add_argument("--embedding-model", default="bundled:all-MiniLM-L6-v2")
    parser.add_argument("--rerank-depth", type=int, default=20)
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args(argv)

    from retrieval.rerank_data import generate_queries
    from retrieval.reranker import Reranker, train_reranker, training_record

    products = load_products(args.db)
    if args.train:
        print(train_reranker(products, args.model))
    record = training_record(args.model)
    reranker = Reranker(args.model)
    index = open_index(products, args.index_dir, args.embedding_model)
    index.reranker = reranker
    index.rerank_depth = args.rerank_depth
    seed = record.seed if record else 17
    per_type = round(record.queries / len({p.product_type for p in products})) if record else 16
    training_texts = {q.query for q in generate_queries(products, seed=seed, per_type=per_type)}
    sets = {
        "Hand-labelled queries (evals/retrieval/queries.yaml)": load_queries(),
        "Generated held-out queries (other templates, seed 9001)": held_out_queries(
            products, training_texts
        ),
    }
    lines = [
        "# Re-ranker: hybrid search with and without the cross-encoder",
        "",
        "Written by `python -m evals.ranking.reranker`. The re-ranker orders the fused top "
        f"{args.rerank_depth} (after every filter); graded labels as in "
        "`evals/retrieval/run.py` (2: type and every stated constraint, 1: type only).",
        "",
    ]
    if record is not None:
        lines += [
            f"Model: fine-tuned from all-MiniLM-L6-v2 on {record.pairs} pairs from "
            f"{record.queries} generated queries, {record.steps} steps of batch "
            f"{record.batch_size}, {record.epochs:g} epoch, seed {record.seed}; training took "
            f"{record.seconds:.0f} s on this 2-core machine (shared, niced).",
            "",
        ]
    results: dict[str, Any] = {}
    for title, queries in sets.items():
        qrels = qrels_for(queries, products)
        scores = score_systems(index, queries, qrels)
        results[title] = scores
        section = _section(title, queries, scores)
        print("\n".join(section), flush=True)
        lines += section
    text = "\n".join(lines)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text)
    index.close()
    return results


if __name__ == "__main__":
    main()
