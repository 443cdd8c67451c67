"""The results of a harness run: every trial, and the summary τ² reports (average reward,
pass^k), as text and as JSON data."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from evals.tau2.conversation import Dialogue
from evals.tau2.scoring import TrialScore, mean_pass_hat_k

_FAILURES_SHOWN = 15


@dataclass
class TrialResult:
    """One trial of one task."""

    task_id: str
    trial: int
    score: TrialScore
    dialogue: Dialogue
    seconds: float

    def line(self) -> str:
        """One line for progress output."""
        return (
            f"task {self.task_id} trial {self.trial}: reward {self.score.reward:.1f} "
            f"({self.score.termination}, {self.dialogue.user_turns} user turns, "
            f"{self.seconds:.1f}s)"
        )

    def why_failed(self) -> str:
        """What made the reward 0 (empty for a success)."""
        if self.score.success:
            return ""
        if self.score.note:
            reason = self.score.note
            return f"{reason}: {self.dialogue.error}" if self.dialogue.error else reason
        reasons = []
        if self.score.breakdown.get("DB") == 0.0:
            reasons.append("final state differs: " + "; ".join(self.score.state_diff[:3]))
        missing = [info for info, met in self.score.communicate.items() if not met]
        if self.score.breakdown.get("COMMUNICATE") == 0.0:
            reasons.append(f"not communicated: {', '.join(missing)}")
        if self.score.breakdown.get("ACTION") == 0.0:
            reasons.append("gold actions not called")
        return "; ".join(reasons)

    def as_data(self) -> dict[str, Any]:
        """Plain data for the JSON report."""
        return {
            "task_id": self.task_id,
            "trial": self.trial,
            "seconds": round(self.seconds, 3),
            "score": self.score.as_data(),
            "dialogue": asdict(self.dialogue),
        }


@dataclass
class HarnessReport:
    """All trials of one run."""

    mode: str
    split: str
    trials: int
    k: int
    results: list[TrialResult] = field(default_factory=list)

    def outcomes(self) -> dict[str, list[bool]]:
        """Per task id, the success of each trial."""
        by_task: dict[str, list[bool]] = {}
        for result in self.results:
            by_task.setdefault(result.task_id, []).append(result.score.success)
        return by_task

    def summary(self) -> dict[str, Any]:
        """Tasks, trials, average reward, pass^1..k and how dialogues ended."""
        outcomes = self.outcomes()
        rewards = [r.score.reward for r in self.results]
        return {
            "mode": self.mode,
            "split": self.split,
            "tasks": len(outcomes),
            "trials_per_task": self.trials,
            "avg_reward": sum(rewards) / len(rewards) if rewards else 0.0,
            "pass_hat_k": {
                str(k): mean_pass_hat_k(outcomes, k) for k in range(1, self.k + 1) if outcomes
            },
            "terminations": dict(Counter(r.score.termination for r in self.results)),
        }

    def text(self, seconds: float | None = None) -> str:
        """The summary for a terminal, with the first failing trials and why."""
        s = self.summary()
        took = f" in {seconds:.1f}s" if seconds is not None else ""
        lines = [
            f"τ² retail, {s['mode']} mode, {s['split']} split: {s['tasks']} tasks x "
            f"{s['trials_per_task']} trials{took}",
            f"average reward {s['avg_reward']:.3f}",
            *(f"pass^{k} {v:.3f}" for k, v in s["pass_hat_k"].items()),
            "ended by: " + ", ".join(f"{k} {v}" for k, v in sorted(s["terminations"].items())),
        ]
        failed = [r for r in self.results if not r.score.success]
        for result in failed[:_FAILURES_SHOWN]:
            lines.append(f"  task {result.task_id} trial {result.trial}: {result.why_failed()}")
        if len(failed) > _FAILURES_SHOWN:
            lines.append(f"  ... and {len(failed) - _FAILURES_SHOWN} more failing trials")
        return "\n".join(lines)

    def as_data(self) -> dict[str, Any]:
        """The summary and every trial, for `--out`."""
        return {"summary": self.summary(), "results": [r.as_data() for r in self.results]}
