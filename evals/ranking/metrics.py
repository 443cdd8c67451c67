"""Ranking metrics per query (ranx) and bootstrap confidence intervals over queries."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def per_query(
    targets: Mapping[str, Mapping[str, int]],
    ranked: Mapping[str, Sequence[str]],
    metrics: Sequence[str] = ("hit_rate@10", "ndcg@10"),
) -> dict[str, np.ndarray]:
    """Each metric for each query, in `sorted(targets)` order.

    Args:
        targets: Query id to {relevant item: grade}.
        ranked: Query id to the items a system returned, best first (missing: nothing).
        metrics: ranx metric names.
    """
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    ids = sorted(targets)
    if not ids:
        raise ValueError("no queries to evaluate")
    run = {}
    for qid in ids:
        items = list(dict.fromkeys(ranked.get(qid, [])))
        # Rank-based scores keep the system's order exactly.
        run[qid] = {item: 1.0 / (rank + 1) for rank, item in enumerate(items)} or {"<none>": 0.0}
    scores = ranx_evaluate(
        Qrels.from_dict({q: dict(targets[q]) for q in ids}),
        Run.from_dict(run),
        list(metrics),
        return_mean=False,
    )
    return {m: np.asarray(scores[m], dtype=np.float64) for m in metrics}


@dataclass(frozen=True)
class Estimate:
    """A mean with a bootstrap percentile interval."""

    mean: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.mean:.3f} [{self.low:.3f}, {self.high:.3f}]"


def bootstrap(
    values: np.ndarray,
    *,
    statistic: Callable[[np.ndarray], float] = np.mean,
    resamples: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> Estimate:
    """The statistic of `values` and its percentile bootstrap interval (queries resampled).

    `values` may be 2-D (queries x systems) for a paired statistic such as a ratio of means;
    rows are resampled together.
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        raise ValueError("bootstrap needs at least one value")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(values), size=(resamples, len(values)))
    stats = np.array([statistic(values[p]) for p in picks])
    stats = stats[np.isfinite(stats)]
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(stats, [tail, 100.0 - tail]) if len(stats) else (np.nan, np.nan)
    return Estimate(float(statistic(values)), float(low), float(high))


def ratio_of_means(pair: np.ndarray) -> float:
    """Mean of column 0 over mean of column 1 (inf when column 1 averages 0)."""
    denominator = pair[:, 1].mean()
    return float(pair[:, 0].mean() / denominator) if denominator > 0 else float("inf")
