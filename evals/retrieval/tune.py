"""Choose hybrid search's fusion settings on the tuning queries, never on the measured ones.

    python -m evals.retrieval.tune                 # index the τ² catalog in a temp dir
    python -m evals.retrieval.tune --index-dir .data/eval-index

Sweeps the RRF rank constant, the lexical ranking's weight and the share of the query's words
a document must hold to enter it, over `tuning.yaml` (a query set written apart from
`queries.yaml`), and prints hybrid NDCG@10 for each setting, with constraints read from the
text and on the text only. The setting with the best mean is the one to set as
`CatalogIndex`'s default, unless it beats the current one by less than `MARGIN`;
`evals.retrieval.run` then measures it on `queries.yaml`.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path
from typing import Any

from evals.retrieval.run import load_products, load_queries, open_index, qrels_for, search_run

TUNING = Path(__file__).with_name("tuning.yaml")
RRF_KS = (10, 20, 40, 60, 100, 150, 250)
LEXICAL_WEIGHTS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
MIN_MATCHES = (0.0, 0.34, 0.5, 0.67)
MARGIN = 0.005
"""Mean NDCG@10 gain a setting needs over the default to replace it."""
READINGS = {"parsed": {"parse": True}, "text only": {"parse": False}}
"""The two ways `evals.retrieval.run` reads each query."""


def ndcg(index: Any, queries: list[dict[str, Any]], judged: Any, kwargs: dict[str, Any]) -> float:
    """NDCG@10 of one system (`CatalogIndex.search` arguments) on `queries`."""
    from ranx import Run
    from ranx import evaluate as ranx_evaluate

    run = Run.from_dict(search_run(index, queries, kwargs))
    return float(ranx_evaluate(judged, run, "ndcg@10"))


Setting = tuple[int, float, float]
"""(rrf_k, lexical_weight, lexical_min_match) of a `CatalogIndex`."""


def settings_of(index: Any) -> Setting:
    """The index's current fusion settings."""
    return index.rrf_k, index.lexical_weight, index.lexical_min_match


def apply(index: Any, setting: Setting) -> None:
    """Give the index these fusion settings."""
    index.rrf_k, index.lexical_weight, index.lexical_min_match = setting


def sweep(
    index: Any, queries: list[dict[str, Any]], judged: Any
) -> dict[Setting, dict[str, float]]:
    """Hybrid NDCG@10 per setting, for each way of reading the query.

    The index's own settings are restored afterwards.
    """
    saved = settings_of(index)
    scores: dict[Setting, dict[str, float]] = {}
    try:
        for setting in itertools.product(RRF_KS, LEXICAL_WEIGHTS, MIN_MATCHES):
            apply(index, setting)
            scores[setting] = {
                name: ndcg(index, queries, judged, {"mode": "hybrid"} | kw)
                for name, kw in READINGS.items()
            }
    finally:
        apply(index, saved)
    return scores


def main(argv: list[str] | None = None) -> Setting:
    """Sweep, print the table, and return the (rrf_k, lexical weight, min match) to use."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", type=Path, help="keep the index here between runs")
    parser.add_argument("--queries", type=Path, default=TUNING)
    parser.add_argument("--model", default="bundled:all-MiniLM-L6-v2")
    args = parser.parse_args(argv)

    from ranx import Qrels

    products = load_products(None)
    queries = load_queries(args.queries)
    judged = Qrels.from_dict(qrels_for(queries, products))
    index = open_index(products, args.index_dir, args.model)
    default = settings_of(index)
    scores = sweep(index, queries, judged)
    channels = {
        f"{mode} ({name})": ndcg(index, queries, judged, {"mode": mode} | kw)
        for mode in ("bm25", "dense")
        for name, kw in READINGS.items()
    }
    index.close()

    def mean(key: Setting) -> float:
        return sum(scores[key].values()) / len(READINGS)

    top = max(scores, key=mean)
    # Less than MARGIN is a query or two moving a few places: the default stays.
    best = top if mean(top) - mean(default) >= MARGIN else default
    print(
        f"{len(queries)} tuning queries; single channels: "
        + ", ".join(f"{name} {value:.4f}" for name, value in channels.items())
    )
    print("hybrid NDCG@10 per (rrf_k, lexical weight, lexical min match)")
    print("| rrf_k | lexical weight | min match | parsed | text only | mean |")
    print("|---|---|---|---|---|---|")
    for key, row in scores.items():
        mark = " (default)" if key == default else " (top)" if key == top else ""
        print(
            f"| {key[0]} | {key[1]} | {key[2]} | {row['parsed']:.4f} | {row['text only']:.4f} "
            f"| {mean(key):.4f}{mark} |"
        )
    verdict = "keep the default" if best == default else "set the default to"
    print(
        f"{verdict} rrf_k={best[0]}, lexical weight={best[1]}, lexical min match={best[2]}"
        f" (margin {MARGIN})"
    )
    return best


if __name__ == "__main__":
    main()
