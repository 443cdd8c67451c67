"""Personal ranker, leave-last-purchase-out: HR@10 and NDCG@10 against popularity and random.

    python -m evals.ranking.personal                # τ² demo shoppers + synthetic shoppers
    python -m evals.ranking.personal --report evals/reports/ranking-personal.md

Each shopper's last order is held out; everything before it (and everyone else's history
without their last order) is what the ranker is fitted on. A hit is a suggested item that
the shopper bought in that order; the "product" columns count any variant of the product.
Intervals are 95% percentile bootstraps over shoppers.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from evals.ranking.metrics import Estimate, bootstrap, per_query, ratio_of_means
from evals.ranking.shoppers import World, synthetic_shoppers, tau2_interactions
from retrieval.catalog import Product
from retrieval.interactions import Interaction, by_user, split_last_purchase

REPORT = Path(__file__).parents[1] / "reports" / "ranking-personal.md"
TARGET_RATIO = 2.0
"""On planted-preference shoppers the personal ranker must reach this multiple of
popularity's HR@10."""


def leave_last_out(
    interactions: Sequence[Interaction],
) -> tuple[list[Interaction], dict[str, set[str]], dict[str, list[Interaction]]]:
    """(interactions to fit on, held-out items per shopper, each shopper's fitted history)."""
    fit: list[Interaction] = []
    held: dict[str, set[str]] = {}
    histories: dict[str, list[Interaction]] = {}
    for user, history in by_user(interactions).items():
        split = split_last_purchase(history)
        if split is None:
            fit += history
            histories[user] = history
            continue
        before, target = split
        fit += before
        histories[user] = before
        held[user] = {t.item_id for t in target}
    return fit, held, histories


def _popularity_lists(
    fit: Sequence[Interaction],
    held: dict[str, set[str]],
    histories: dict[str, list[Interaction]],
    products: Sequence[Product],
    consumable: set[str],
    include_unavailable: bool,
    seed: int,
    k: int,
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Top-k by item popularity, and k random items, under the ranker's exclusion rule."""
    product_of = {v.item_id: p.product_id for p in products for v in p.variants}
    available = {v.item_id for p in products for v in p.variants if v.available}
    allowed = [i for i in product_of if include_unavailable or i in available]
    counts = Counter(i.item_id for i in fit if i.kind == "purchase")
    by_count = sorted(allowed, key=lambda i: (-counts[i], i))
    rng = random.Random(seed)
    popular: dict[str, list[str]] = {}
    chance: dict[str, list[str]] = {}
    for user in held:
        excluded = {
            e.item_id
            for e in histories[user]
            if e.kind == "purchase" and product_of.get(e.item_id) not in consumable
        }
        popular[user] = [i for i in by_count if i not in excluded][:k]
        pool = [i for i in allowed if i not in excluded]
        chance[user] = rng.sample(pool, min(k, len(pool)))
    return popular, chance


def evaluate_world(
    name: str,
    world: World,
    products: Sequence[Product],
    embedder: Any,
    *,
    include_unavailable: bool,
    k: int = 10,
    seed: int = 0,
) -> dict[str, Any]:
    """Fit the personal ranker without each shopper's last order and score every system."""
    from retrieval.personal import PersonalRanker

    fit, held, histories = leave_last_out(world.interactions)
    ranker = PersonalRanker(products, embedder, consumable=world.consumable, seed=seed)
    start = time.perf_counter()
    summary = ranker.fit(fit)
    fit_seconds = time.perf_counter() - start
    systems: dict[str, dict[str, list[str]]] = {"personal": {}, "personal (no MMR)": {}}
    start = time.perf_counter()
    for user in held:
        recs = ranker.recommend(user, k, include_unavailable=include_unavailable)
        systems["personal"][user] = [s.item_id for s in recs if s.item_id]
    per_user_ms = (time.perf_counter() - start) / max(1, len(held)) * 1000
    for user in held:
        recs = ranker.recommend(user, k, diversify=False, include_unavailable=include_unavailable)
        systems["personal (no MMR)"][user] = [s.item_id for s in recs if s.item_id]
    popular, chance = _popularity_lists(
        fit, held, histories, products, world.consumable, include_unavailable, seed, k
    )
    systems["popularity"] = popular
    systems["random"] = chance
    product_of = {v.item_id: p.product_id for p in products for v in p.variants}
    item_targets = {u: dict.fromkeys(items, 1) for u, items in held.items()}
    product_targets = {u: {product_of[i]: 1 for i in items} for u, items in held.items()}
    metrics = (f"hit_rate@{k}", f"ndcg@{k}")
    scores: dict[str, dict[str, np.ndarray]] = {}
    for system, lists in systems.items():
        item_scores = per_query(item_targets, lists, metrics)
        as_products = {u: [product_of[i] for i in items] for u, items in lists.items()}
        product_scores = per_query(product_targets, as_products, metrics)
        scores[system] = {
            "item_hr": item_scores[metrics[0]],
            "item_ndcg": item_scores[metrics[1]],
            "product_hr": product_scores[metrics[0]],
            "product_ndcg": product_scores[metrics[1]],
        }
    estimates = {
        system: {m: bootstrap(v, seed=seed) for m, v in values.items()}
        for system, values in scores.items()
    }
    ratio = bootstrap(
        np.column_stack([scores["personal"]["item_hr"], scores["popularity"]["item_hr"]]),
        statistic=ratio_of_means,
        seed=seed,
    )
    return {
        "name": name,
        "shoppers": len(histories),
        "evaluated": len(held),
        "interactions": len(world.interactions),
        "purchases": sum(1 for i in world.interactions if i.kind == "purchase"),
        "fit": summary,
        "fit_seconds": round(fit_seconds, 2),
        "ms_per_shopper": round(per_user_ms, 1),
        "estimates": estimates,
        "ratio": ratio,
        "notes": world.notes,
        "include_unavailable": include_unavailable,
    }


def _table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| system | HR@10 (item) | NDCG@10 (item) | HR@10 (product) | NDCG@10 (product) |",
        "|---|---|---|---|---|",
    ]
    for system, e in result["estimates"].items():
        cells = " | ".join(str(e[m]) for m in ("item_hr", "item_ndcg", "product_hr",
                                                "product_ndcg"))  # fmt: skip
        lines.append(f"| {system} | {cells} |")
    return lines


def _signal_note(result: dict[str, Any]) -> list[str]:
    """A sentence when the personal ranker cannot be told apart from random suggestions."""
    mine, chance = result["estimates"]["personal"], result["estimates"]["random"]
    overlap = [m for m in ("item_hr", "product_hr") if mine[m].low <= chance[m].high]
    if len(overlap) < 2:
        return []
    return [
        f"**Little signal:** personal HR@10 {mine['item_hr'].mean:.3f} (item) and "
        f"{mine['product_hr'].mean:.3f} (product) against random's {chance['item_hr'].mean:.3f} "
        f"and {chance['product_hr'].mean:.3f}, with overlapping intervals: what these "
        "shoppers bought before says next to nothing about their last order.",
        "",
    ]


def report(results: list[dict[str, Any]]) -> str:
    """The markdown report of the evaluated worlds."""
    out = [
        "# Personal ranker: leave-last-purchase-out",
        "",
        "Written by `python -m evals.ranking.personal`. Each shopper's last order is held out;",
        "the ranker is fitted on everything before it. HR@10: the share of shoppers with a",
        'held-out item among the 10 suggestions; NDCG@10 rewards it near the top. "item"',
        'needs the exact variant, "product" any variant of the product. Brackets: 95%',
        "bootstrap intervals over shoppers. Bought variants of non-consumable products are",
        "never suggested, by any system.",
        "",
    ]
    for r in results:
        fit = r["fit"]
        ratio: Estimate = r["ratio"]
        out += [
            f"## {r['name']}",
            "",
            f"{r['shoppers']} shoppers, {r['evaluated']} with a last order to hold out; "
            f"{r['interactions']} interactions ({r['purchases']} purchases). Combiner: "
            f"{fit.combiner} on {fit.examples} examples ({fit.positives} positives); fitted "
            f"in {r['fit_seconds']} s; {r['ms_per_shopper']} ms per shopper's suggestions. "
            f"Unavailable items {'included' if r['include_unavailable'] else 'excluded'}.",
            "",
            *_table(r),
            "",
            f"Personal / popularity HR@10 (item): {ratio}.",
            "",
            *_signal_note(r),
            "Fitted weights (standardised features): "
            + ", ".join(f"{k} {v:+.2f}" for k, v in fit.weights.items())
            + ".",
            "",
        ]
        if r["notes"]:
            out += ["Notes: " + ", ".join(f"{k} = {v}" for k, v in r["notes"].items()) + ".", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Evaluate on the τ² shoppers and the synthetic shoppers; print and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="a τ² db.json (default: from the τ² package)")
    parser.add_argument("--model", default="bundled:all-MiniLM-L6-v2")
    parser.add_argument("--shoppers", type=int, default=400, help="synthetic shoppers")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args(argv)

    import json

    from evals.retrieval.run import load_products
    from retrieval.embeddings import load_embedder

    if args.db is not None:
        db = json.loads(args.db.read_text())
    else:
        from assistant.demo.tau2_data import retail_db

        db = retail_db()
    products = load_products(args.db)
    embedder = load_embedder(args.model)
    results = [
        # τ² items were bought when in stock; some are out of stock now, so all count.
        evaluate_world(
            "τ² demo shoppers", tau2_interactions(db), products, embedder,
            include_unavailable=True,
        ),
        evaluate_world(
            "Synthetic shoppers with planted preferences",
            synthetic_shoppers(products, shoppers=args.shoppers, seed=args.seed),
            products,
            embedder,
            include_unavailable=False,
        ),
    ]  # fmt: skip
    text = report(results)
    print(text)
    synthetic = results[1]["ratio"]
    verdict = "meets" if synthetic.mean >= TARGET_RATIO else "misses"
    print(f"synthetic personal/popularity HR@10 = {synthetic.mean:.2f}: {verdict} the "
          f"target (>= {TARGET_RATIO:.0f}x)")  # fmt: skip
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text)
    return results


if __name__ == "__main__":
    main()
