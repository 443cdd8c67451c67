"""The scripted mode end to end: a task's user script against the real dialogue engine."""

from __future__ import annotations

from pathlib import Path

from assistant.llm.scripted import ScriptedModel
from evals.tau2.harness import HarnessOptions, run_harness
from evals.tau2.tasks import Task
from tests.evals.agents import ORDER, WRONG_ITEM, task_75_agent


def test_a_scripted_task_runs_end_to_end_and_scores_one(tau2_cache: Path) -> None:
    agents: list[ScriptedModel] = []

    def agent(task: Task) -> ScriptedModel:
        assert task.id == "75"
        agents.append(task_75_agent())
        return agents[-1]

    options = HarnessOptions(
        task_ids=["75"], trials=2, k=2, agent_factory=agent, cache_dir=tau2_cache
    )
    report = run_harness("scripted", options)
    assert [(r.task_id, r.trial, r.score.reward) for r in report.results] == [
        ("75", 0, 1.0),
        ("75", 1, 1.0),
    ]
    assert report.summary()["pass_hat_k"] == {"1": 1.0, "2": 1.0}
    dialogue = report.results[0].dialogue
    assert dialogue.termination == "user_stop" and dialogue.user_turns == 4
    # Turn 3 asked for the exchange, which ran only on the yes of turn 4.
    assert dialogue.messages[6]["pending"] == "exchange_delivered_order_items"
    assert dialogue.messages[6]["tool_calls"][0]["status"] == "pending"
    assert dialogue.messages[7]["content"] == "yes"
    assert dialogue.messages[8]["tool_calls"][0]["status"] == "ok"
    assert dialogue.messages[-1]["content"] == "###STOP###"
    # A fresh world per trial: the second exchange did not find the order already changed.
    assert all(model.remaining == 0 for model in agents) and len(agents) == 2


def test_a_scripted_task_with_the_wrong_exchange_scores_zero(tau2_cache: Path) -> None:
    options = HarnessOptions(
        task_ids=["75"], agent_factory=lambda _task: task_75_agent(WRONG_ITEM), cache_dir=tau2_cache
    )
    report = run_harness("scripted", options)
    result = report.results[0]
    assert result.score.termination == "user_stop"
    assert result.score.reward == 0.0 and result.score.db_match is False
    assert any(ORDER in line and WRONG_ITEM in line for line in result.score.state_diff)
    assert result.why_failed().startswith("final state differs: ")
    assert "pass^1 0.000" in report.text()
