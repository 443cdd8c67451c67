"""Gold replay through the dialogue engine scores 1.0 on all 114 τ² retail tasks.

Every gold action is asked for by the gold agent and runs through the engine's validation
and store policy: the session is signed in by an identity lookup, every write waits as a
pending change and runs only on the user's yes. The final store of each task is compared
with the one τ²'s gold actions produce run straight through the tools.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.tau2.harness import HarnessOptions, run_harness

pytestmark = pytest.mark.slow

WRITES = {
    "cancel_pending_order",
    "modify_pending_order_items",
    "modify_pending_order_address",
    "modify_pending_order_payment",
    "modify_user_address",
    "return_delivered_order_items",
    "exchange_delivered_order_items",
}


def test_gold_replay_scores_one_on_every_task(tau2_cache: Path) -> None:
    report = run_harness("gold", HarnessOptions(split="all", cache_dir=tau2_cache))
    summary = report.summary()
    failing = {r.task_id: r.why_failed() for r in report.results if not r.score.success}
    assert not failing, failing
    assert summary["tasks"] == 114 and summary["avg_reward"] == 1.0
    assert summary["pass_hat_k"] == {"1": 1.0}
    assert summary["terminations"] == {"user_stop": 114}

    # The writes went through the engine's confirmation path, not around it.
    pending = confirmed = 0
    for result in report.results:
        messages = result.dialogue.messages
        for n, message in enumerate(messages):
            if message["role"] == "assistant" and "pending" in message:
                pending += 1
                assert messages[n + 1] == {"role": "user", "content": "yes"}
                follow_up = messages[n + 2]["tool_calls"][0]
                assert follow_up["name"] == message["pending"]
                confirmed += follow_up["status"] in ("ok", "failed")
    gold_writes = sum(
        1 for result in report.results for name, _ in result.dialogue.calls if name in WRITES
    )
    assert pending > 150 and confirmed == pending
    # Each write appears twice among the calls: asked for, then run on the yes.
    assert gold_writes >= 2 * pending
    # Most tasks change the store, so equal final states are not equal initial states.
    changed = [r for r in report.results if r.score.db_match and r.dialogue.calls]
    assert len(changed) > 100
