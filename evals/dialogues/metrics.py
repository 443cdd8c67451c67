"""The figures of an eval run: pass^k as τ²-bench defines it, and the aggregates around it.

pass^k (Yao et al., τ-bench, 2024) is the chance that all of k independent trials of a task
succeed, estimated without bias from n ≥ k trials with c successes as C(c, k) / C(n, k) and
averaged over tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from math import comb
from typing import Any

import numpy as np

from evals.dialogues.results import DialogueResult, EvalRun, TurnResult


def pass_hat_k(successes: Sequence[tuple[int, int]], k: int) -> float:
    """Mean over tasks of C(c, k) / C(n, k), each task given as (c successes, n trials).

    Raises:
        ValueError: a task has fewer than k trials, or more successes than trials.
    """
    if not successes:
        return 0.0
    total = 0.0
    for c, n in successes:
        if not 0 <= c <= n or n < k:
            raise ValueError(f"cannot estimate pass^{k} from {c} successes in {n} trials")
        total += comb(c, k) / comb(n, k)
    return total / len(successes)


def _by_dialogue(results: Iterable[DialogueResult]) -> dict[str, list[DialogueResult]]:
    grouped: dict[str, list[DialogueResult]] = defaultdict(list)
    for result in results:
        grouped[result.id].append(result)
    return grouped


def successes(results: Iterable[DialogueResult]) -> list[tuple[int, int]]:
    """(successes, trials) per dialogue."""
    return [(sum(r.passed for r in rs), len(rs)) for rs in _by_dialogue(results).values()]


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (linear interpolation), or None without values."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else None


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _turns(results: Iterable[DialogueResult]) -> list[TurnResult]:
    return [t for r in results for t in r.turns]


def summarise(run: EvalRun, results: Sequence[DialogueResult] | None = None) -> dict[str, Any]:
    """Every figure of a run (or of a subset of its results)."""
    results = list(run.results if results is None else results)
    turns = _turns(results)
    counted = successes(results)
    trials = min((n for _, n in counted), default=0)
    seconds = [t.seconds for t in turns]
    inventions: dict[str, int] = defaultdict(int)
    for turn in turns:
        for invention in turn.inventions:
            inventions[invention.kind] += 1
    return {
        "dialogues": len(counted),
        "trials": trials,
        "turns": len(turns),
        "pass^1": round(pass_hat_k(counted, 1), 4) if trials >= 1 else None,
        f"pass^{run.k}": round(pass_hat_k(counted, run.k), 4) if trials >= run.k else None,
        "dialogue_success": _rate(sum(r.passed for r in results), len(results)),
        "turn_success": _rate(sum(t.passed for t in turns), len(turns)),
        "wrong_writes_executed": sum(len(t.wrong_writes) for t in turns),
        "invented_arguments": dict(sorted(inventions.items())),
        "grounding_failures": sum(t.grounding_failed for t in turns),
        "policy_refusals": sum(t.policy_refusals for t in turns),
        "tool_errors": sum(t.tool_errors for t in turns),
        "errors": sum(r.error is not None for r in results),
        "state_failures": sum(bool(r.state_problems) for r in results),
        "turn_seconds_p50": _round(percentile(seconds, 50)),
        "turn_seconds_p95": _round(percentile(seconds, 95)),
        "prompt_tokens": sum(t.prompt_tokens for t in turns),
        "completion_tokens": sum(t.completion_tokens for t in turns),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def by_group(run: EvalRun, key: str) -> dict[str, dict[str, Any]]:
    """The figures per category, split, store and split, or tag (`key`: 'category', 'split',
    'store_split' or 'tags')."""
    groups: dict[str, list[DialogueResult]] = defaultdict(list)
    for result in run.results:
        values = result.tags if key == "tags" else [getattr(result, key)]
        for value in values:
            groups[value].append(result)
    return {name: summarise(run, rs) for name, rs in sorted(groups.items())}


def by_turn_position(run: EvalRun) -> dict[int, float | None]:
    """Turn success by the turn's position in its dialogue (1 = first)."""
    positions: dict[int, list[bool]] = defaultdict(list)
    for turn in _turns(run.results):
        positions[turn.index + 1].append(turn.passed)
    return {p: _rate(sum(v), len(v)) for p, v in sorted(positions.items())}
