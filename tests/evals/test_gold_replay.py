"""Gold replay through the dialogue engine scores 1.0 on all 114 τ² retail tasks.

Every gold action is asked for by the gold agent and runs through the engine's validation
and store policy: the session is signed in by an identity lookup, every write waits as a
pending change and runs only on the user's yes. The final store of each task is compared
with the one τ²'s gold actions produce run straight through the tools.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.tools.registry import ToolKind
from assistant.tools.retail import RETAIL_TOOLS
from evals.tau2.harness import HarnessOptions, run_harness
from evals.tau2.tasks import Task

pytestmark = pytest.mark.slow

WRITES = frozenset(t.name for t in RETAIL_TOOLS if t.kind is ToolKind.CHANGE)


def test_gold_replay_scores_one_on_every_task(tau2_cache: Path, tasks: dict[str, Task]) -> None:
    report = run_harness("gold", HarnessOptions(split="all", cache_dir=tau2_cache))
    summary = report.summary()
    failing = {r.task_id: r.why_failed() for r in report.results if not r.score.success}
    assert not failing, failing
    assert summary["tasks"] == 114 and summary["avg_reward"] == 1.0
    assert summary["pass_hat_k"] == {"1": 1.0}
    assert summary["terminations"] == {"user_stop": 114}

    # Every gold write went through the engine's confirmation path, not around it: held as
    # pending, then run (successfully or failing as in τ²) on the yes that followed.
    statuses = []
    for result in report.results:
        messages = result.dialogue.messages
        for n, message in enumerate(messages):
            if message["role"] == "assistant" and "pending" in message:
                assert message["tool_calls"][-1]["status"] == "pending"
                assert messages[n + 1] == {"role": "user", "content": "yes"}
                run = messages[n + 2]["tool_calls"][0]
                assert run["name"] == message["pending"]
                statuses.append(run["status"])
    gold_writes = sum(a.name in WRITES for t in tasks.values() for a in t.gold_actions)
    assert gold_writes > 150 and len(statuses) == gold_writes
    assert statuses.count("ok") > 0.9 * gold_writes
    assert set(statuses) <= {"ok", "failed"}
