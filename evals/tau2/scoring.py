"""Scoring a dialogue as τ²-bench scores it, and pass^k over repeated trials.

Adapted from τ²-bench (sierra-research/tau2-bench, MIT; `tau2.evaluator` and
`tau2.metrics.agent_metrics`): a trial that did not end with the user or the agent stopping
scores 0; otherwise the reward is the product of the checks named by the task's
`reward_basis`:

- DB: the hash of the final store equals the hash of the store the gold actions produce
  from the initial one;
- COMMUNICATE: every required fact occurs in some agent message (case-insensitive, with
  the message's commas removed, as τ² compares);
- ACTION: every gold action was called with the same arguments.

NL assertions need an LLM judge and ENV assertions τ²'s environment functions: a task
whose reward basis names them is refused up front (no retail task does).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from evals.tau2.digest import changed_entities, differences
from evals.tau2.tasks import GoldAction, RewardType, Task

Termination = Literal[
    "user_stop", "agent_stop", "max_steps", "too_many_errors", "agent_error", "user_error"
]
"""Why a dialogue ended (τ²'s `TerminationReason` values)."""
SCORED_TERMINATIONS: frozenset[str] = frozenset({"user_stop", "agent_stop"})
SUPPORTED_BASES = frozenset({RewardType.DB, RewardType.COMMUNICATE, RewardType.ACTION})
_TOLERANCE = 1e-6
_DIFF_LINES = 20

Call = tuple[str, Mapping[str, Any]]
"""A tool call the agent made: name and arguments."""


def state_hash(state: Mapping[str, Any]) -> str:
    """SHA-256 of a store dump as sorted-key JSON (τ²'s `get_dict_hash`)."""
    text = json.dumps(state, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ExpectedState:
    """The store a task's gold actions produce from the initial one."""

    hash: str
    changed: dict[str, Any]
    """Entities that differ from the initial state (`digest.changed_entities`)."""


def check_supported(task: Task) -> None:
    """Raise `ValueError` when the task's reward basis needs a check the harness lacks."""
    missing = set(task.evaluation_criteria.reward_basis) - SUPPORTED_BASES
    if missing:
        names = ", ".join(sorted(m.value for m in missing))
        raise ValueError(f"task {task.id}: reward basis {names} is not supported by the harness")


def communicated(info: str, agent_messages: Iterable[str]) -> bool:
    """τ²'s communicate check: `info` occurs in one agent message, commas removed."""
    needle = info.lower()
    return any(needle in message.lower().replace(",", "") for message in agent_messages)


def action_matched(action: GoldAction, calls: Iterable[Call]) -> bool:
    """τ²'s action check: some call has the action's name and the same compared arguments.

    With no `compare_args`, the arguments compared are the call's own keys (as in τ²).
    """
    for name, arguments in calls:
        if name != action.name:
            continue
        keys = action.compare_args if action.compare_args is not None else list(arguments)
        called = {k: v for k, v in arguments.items() if k in keys}
        gold = {k: v for k, v in action.arguments.items() if k in keys}
        if called == gold:
            return True
    return False


@dataclass
class TrialScore:
    """The reward of one trial and the checks behind it."""

    reward: float
    termination: Termination
    db_match: bool | None = None
    state_diff: list[str] = field(default_factory=list)
    """How the final store differs from the expected one (first lines)."""
    communicate: dict[str, bool] = field(default_factory=dict)
    actions: dict[str, bool] = field(default_factory=dict)
    breakdown: dict[str, float] = field(default_factory=dict)
    note: str | None = None

    @property
    def success(self) -> bool:
        """A reward of 1 (within τ²'s tolerance)."""
        return is_success(self.reward)

    def as_data(self) -> dict[str, Any]:
        """Plain data for reports."""
        return asdict(self)


def score_trial(
    task: Task,
    expected: ExpectedState,
    initial: Mapping[str, Any],
    final: Mapping[str, Any],
    agent_messages: Sequence[str],
    calls: Sequence[Call],
    termination: Termination,
) -> TrialScore:
    """Score one finished dialogue.

    Args:
        task: The task.
        expected: The state the gold actions produce.
        initial: The initial store dump (for describing differences).
        final: The store dump after the dialogue.
        agent_messages: Every text the agent sent, in order.
        calls: Every tool call the agent made, in order.
        termination: Why the dialogue ended.
    """
    if termination not in SCORED_TERMINATIONS:
        return TrialScore(0.0, termination, note=f"dialogue ended early: {termination}")
    check_supported(task)
    basis = set(task.evaluation_criteria.reward_basis)
    score = TrialScore(1.0, termination)
    final_hash = state_hash(final)
    score.db_match = final_hash == expected.hash
    if not score.db_match:
        diff = differences(expected.changed, changed_entities(dict(initial), dict(final)))
        score.state_diff = diff[:_DIFF_LINES] or ["hashes differ outside products/users/orders"]
    score.communicate = {info: communicated(info, agent_messages) for info in task.required_outputs}
    score.actions = {a.action_id: action_matched(a, calls) for a in task.gold_actions}
    checks = {
        RewardType.DB: float(score.db_match),
        RewardType.COMMUNICATE: float(all(score.communicate.values())),
        RewardType.ACTION: float(all(score.actions.values())),
    }
    for reward_type in (RewardType.DB, RewardType.COMMUNICATE, RewardType.ACTION):
        if reward_type in basis:
            score.breakdown[reward_type.value] = checks[reward_type]
            score.reward *= checks[reward_type]
    return score


def is_success(reward: float) -> bool:
    """τ²'s success test: a reward of 1 within 1e-6."""
    return abs(reward - 1.0) <= _TOLERANCE


def pass_hat_k(num_trials: int, successes: int, k: int) -> float:
    """pass^k of one task: the chance that k of its trials drawn at random all succeeded.

    `C(successes, k) / C(num_trials, k)`, as defined by τ-bench (arXiv:2406.12045).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if num_trials < k:
        raise ValueError(f"pass^{k} needs at least {k} trials per task, got {num_trials}")
    if not 0 <= successes <= num_trials:
        raise ValueError(f"successes must be within 0..{num_trials}, got {successes}")
    return math.comb(successes, k) / math.comb(num_trials, k)


def mean_pass_hat_k(outcomes: Mapping[str, Sequence[bool]], k: int) -> float:
    """pass^k over tasks: the mean of each task's pass^k (τ²'s `compute_metrics`).

    Args:
        outcomes: Per task id, the success of each of its trials.
        k: How many trials must all succeed.
    """
    if not outcomes:
        raise ValueError("pass^k needs at least one task")
    values = [pass_hat_k(len(trials), sum(trials), k) for trials in outcomes.values()]
    return sum(values) / len(values)
