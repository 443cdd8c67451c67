"""Scoring as τ² scores: pass^k, the communicate check, and the final-state comparison."""

from __future__ import annotations

from typing import Any

import pytest

from evals.tau2.replay import run_gold_actions
from evals.tau2.scoring import (
    check_supported,
    communicated,
    mean_pass_hat_k,
    pass_hat_k,
    score_trial,
)
from evals.tau2.tasks import RewardType, Task
from evals.tau2.world import World
from tests.evals.agents import OLD_ITEM, ORDER, PAYPAL, WRONG_ITEM


def test_pass_hat_k_of_one_task() -> None:
    assert pass_hat_k(4, 4, 2) == 1.0
    assert pass_hat_k(4, 3, 2) == pytest.approx(3 / 6)  # C(3,2) / C(4,2)
    assert pass_hat_k(4, 1, 2) == 0.0
    assert pass_hat_k(5, 3, 1) == pytest.approx(3 / 5)
    with pytest.raises(ValueError, match="at least 3 trials"):
        pass_hat_k(2, 2, 3)
    with pytest.raises(ValueError, match="k must be at least 1"):
        pass_hat_k(2, 1, 0)


def test_pass_hat_k_is_the_mean_over_tasks() -> None:
    outcomes = {
        "a": [True, True, False],
        "b": [True, True, True],
        "c": [False, False, False],
    }
    assert mean_pass_hat_k(outcomes, 1) == pytest.approx((2 / 3 + 1 + 0) / 3)
    assert mean_pass_hat_k(outcomes, 2) == pytest.approx((1 / 3 + 1 + 0) / 3)
    assert mean_pass_hat_k(outcomes, 3) == pytest.approx(1 / 3)


def test_communicate_check_ignores_case_and_the_message_commas() -> None:
    assert communicated("1093.34", ["Hello", "Your total is $1,093.34."])
    assert communicated("camera", ["The most expensive item is the Camera."])
    assert not communicated("1093.34", ["Your total is $1093.35."])
    # τ² removes commas from the message only: a fact written with one never matches.
    assert not communicated("1,093.34", ["Your total is $1,093.34."])


def _final_after(world: World, calls: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    with world.fresh_store() as store:
        run_gold_actions(store, calls, "test")
        return store.dump_tau2()


def _gold_calls(task: Task) -> list[tuple[str, dict[str, Any]]]:
    return [(a.name, a.arguments) for a in task.gold_actions]


def test_the_gold_final_state_scores_one(tasks: dict[str, Task], world: World) -> None:
    task = tasks["75"]
    final = _final_after(world, _gold_calls(task))
    score = score_trial(task, world.expected(task), world.initial, final, [], [], "user_stop")
    assert score.reward == 1.0 and score.db_match
    assert score.breakdown == {"DB": 1.0, "COMMUNICATE": 1.0}


def test_a_wrong_final_state_scores_zero_and_says_what_differs(
    tasks: dict[str, Task], world: World
) -> None:
    task = tasks["75"]
    wrong = {
        "order_id": ORDER,
        "item_ids": [OLD_ITEM],
        "new_item_ids": [WRONG_ITEM],
        "payment_method_id": PAYPAL,
    }
    final = _final_after(world, [("exchange_delivered_order_items", wrong)])
    score = score_trial(task, world.expected(task), world.initial, final, [], [], "user_stop")
    assert score.reward == 0.0 and score.db_match is False
    assert score.breakdown["DB"] == 0.0
    assert any(line.startswith(f"orders.{ORDER}.exchange_new_items") for line in score.state_diff)
    # Nothing done at all is just as wrong.
    untouched = score_trial(
        task, world.expected(task), world.initial, world.initial, [], [], "user_stop"
    )
    assert untouched.reward == 0.0 and untouched.db_match is False


def test_a_missing_required_output_scores_zero(tasks: dict[str, Task], world: World) -> None:
    task = tasks["33"]
    assert task.required_outputs == ["1093.34"]
    final = _final_after(world, _gold_calls(task))
    expected = world.expected(task)
    silent = score_trial(task, expected, world.initial, final, ["Done."], [], "user_stop")
    assert silent.reward == 0.0 and silent.db_match
    assert silent.communicate == {"1093.34": False}
    assert silent.breakdown == {"DB": 1.0, "COMMUNICATE": 0.0}
    told = score_trial(
        task, expected, world.initial, final, ["You get $1,093.34 back."], [], "user_stop"
    )
    assert told.reward == 1.0


def test_a_dialogue_cut_short_scores_zero(tasks: dict[str, Task], world: World) -> None:
    task = tasks["75"]
    final = _final_after(world, _gold_calls(task))
    for termination in ("max_steps", "too_many_errors", "agent_error", "user_error"):
        score = score_trial(task, world.expected(task), world.initial, final, [], [], termination)
        assert score.reward == 0.0 and score.note == f"dialogue ended early: {termination}"


def test_the_reward_basis_decides_which_checks_count(tasks: dict[str, Task], world: World) -> None:
    task = tasks["33"]
    final = _final_after(world, _gold_calls(task))
    db_only = task.model_copy(
        update={
            "evaluation_criteria": task.evaluation_criteria.model_copy(
                update={"reward_basis": [RewardType.DB]}
            )
        }
    )
    score = score_trial(db_only, world.expected(task), world.initial, final, [], [], "user_stop")
    assert score.reward == 1.0 and score.communicate == {"1093.34": False}

    by_action = db_only.model_copy(
        update={
            "evaluation_criteria": task.evaluation_criteria.model_copy(
                update={"reward_basis": [RewardType.ACTION]}
            )
        }
    )
    calls = _gold_calls(task)
    expected = world.expected(task)
    assert score_trial(by_action, expected, world.initial, final, [], calls, "user_stop").reward
    missing_one = calls[:-1]
    score = score_trial(by_action, expected, world.initial, final, [], missing_one, "user_stop")
    assert score.reward == 0.0 and list(score.actions.values()).count(False) >= 1

    judged = task.model_copy(
        update={
            "evaluation_criteria": task.evaluation_criteria.model_copy(
                update={"reward_basis": [RewardType.DB, RewardType.NL_ASSERTION]}
            )
        }
    )
    with pytest.raises(ValueError, match="NL_ASSERTION is not supported"):
        check_supported(judged)
