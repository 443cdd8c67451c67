"""τ²'s tasks and splits as the harness reads them, the gold plan, and the user scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.demo.tau2_data import RETAIL_DATA, read_member
from evals.tau2.gold import closing_message, gold_plan
from evals.tau2.tasks import Task, TaskDataError, load_tasks, parse_tasks, select_split
from evals.tau2.user_scripts import ScriptFileError, load_script, load_scripts
from evals.tau2.users import is_stop, user_system_prompt
from evals.tau2.world import World


def test_splits_are_taus_own(tau2_cache: Path, tasks: dict[str, Task]) -> None:
    splits = json.loads(read_member(RETAIL_DATA + "split_tasks.json", tau2_cache))
    train = load_tasks("train", cache_dir=tau2_cache)
    test = load_tasks("test", cache_dir=tau2_cache)
    assert len(tasks) == 114 and (len(train), len(test)) == (74, 40)
    assert {t.id for t in train} == set(splits["train"])
    assert {t.id for t in test} == set(splits["test"])
    assert {t.id for t in train} | {t.id for t in test} == set(tasks)
    # File order is kept, as τ²'s get_tasks keeps it.
    assert [t.id for t in test] == [i for i in tasks if i in set(splits["test"])]


def test_defaults_and_bad_data_are_reported(tau2_cache: Path) -> None:
    raw = json.loads(read_member(RETAIL_DATA + "tasks.json", tau2_cache))
    first = parse_tasks(raw[:1])[0]
    assert [r.value for r in first.evaluation_criteria.reward_basis] == ["DB", "COMMUNICATE"]
    broken = [{**raw[0], "user_scenario": {"instructions": {"domain": "retail"}}}]
    with pytest.raises(TaskDataError, match=r"task #0 \(id '0'\): user_scenario.instructions"):
        parse_tasks(broken)
    with pytest.raises(TaskDataError, match="not in the test split: 0"):
        select_split(parse_tasks(raw[:2]), {"test": ["1"]}, "test", only=["0"])


def test_gold_plan_signs_in_only_when_the_actions_do_not(
    tasks: dict[str, Task], world: World
) -> None:
    # Task 0 starts with a lookup by name and zip: its plan is its gold actions.
    assert gold_plan(tasks["0"], world.initial) == [
        (a.name, a.arguments) for a in tasks["0"].gold_actions
    ]
    # Task 70 exchanges an order of Sofia Hernandez's without looking her up first.
    plan = gold_plan(tasks["70"], world.initial)
    assert plan[0] == ("find_user_id_by_email", {"email": "sofia.hernandez3039@example.com"})
    assert plan[1:] == [(a.name, a.arguments) for a in tasks["70"].gold_actions]
    # Task 50 only transfers to a human: no shopper to sign in.
    assert [name for name, _ in gold_plan(tasks["50"], world.initial)] == [
        "transfer_to_human_agents"
    ]
    assert "1093.34" in closing_message(tasks["33"])


def test_the_simulator_prompt_holds_the_scenario_and_the_stop_tokens(
    tasks: dict[str, Task],
) -> None:
    prompt = user_system_prompt(tasks["75"].user_scenario)
    assert "###STOP###" in prompt and "###TRANSFER###" in prompt
    assert "liam.moore6985@example.com" in prompt
    assert prompt.rstrip().endswith("</scenario>")
    assert is_stop("Thanks! ###STOP###") and is_stop("###TRANSFER###")
    assert is_stop("###OUT-OF-SCOPE###") and not is_stop("STOP")


def test_committed_scripts_play_real_tasks(tasks: dict[str, Task]) -> None:
    scripts = load_scripts()
    assert len(scripts) >= 3
    assert set(scripts) <= set(tasks)


def test_a_bad_script_names_file_line_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text('task_id: "5"\nmessages:\n  - hello\n  - yes\n')
    with pytest.raises(ScriptFileError, match=r"bad\.yaml:4: messages\.1: Input should be a valid"):
        load_script(path)
    path.write_text('task_id: "5"\nmesages: [hi]\n')
    with pytest.raises(ScriptFileError, match=r"bad\.yaml:1: messages: Field required"):
        load_script(path)
    other = tmp_path / "other.yaml"
    path.write_text('task_id: "5"\nmessages: [hi]\n')
    other.write_text('task_id: "5"\nmessages: [hello]\n')
    with pytest.raises(ScriptFileError, match="task 5 is also scripted in"):
        load_scripts([path, other])
