"""Every τ² retail task replays through shopassist's tools exactly as through τ²'s own.

τ²'s side runs `evals.tau2.reference` in a subprocess (τ²'s code unpacked from the wheel);
shopassist's side replays the same gold actions on a fresh copy of a SQLite template per
task. Compared per task: each action's error-or-success, error message or result, and the
final products, users and orders.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evals.tau2.digest import compare_tasks
from evals.tau2.replay import conformance, replay_all
from tests.store.support import tau2_json
from tests.support import tau2_cache

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def replays(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """τ²'s reference outcomes and shopassist's, for all tasks (computed side by side)."""
    cache = tau2_cache(tmp_path_factory.mktemp("data") / "cache")
    work = tmp_path_factory.mktemp("tau2-replay")
    reference_file = work / "reference.json"
    reference_run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "evals.tau2.reference",
            str(reference_file),
            "--cache-dir",
            str(cache),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    tasks = tau2_json("tasks.json", cache)
    ours = replay_all(tau2_json("db.json", cache), tasks, work)
    stdout, stderr = reference_run.communicate(timeout=600)
    assert reference_run.returncode == 0, f"reference replay failed:\n{stdout}\n{stderr[-3000:]}"
    reference = json.loads(reference_file.read_text())["tasks"]
    return {"tasks": tasks, "reference": reference, "ours": ours}


def test_reference_covers_every_task(replays: dict[str, Any]) -> None:
    task_ids = [t["id"] for t in replays["tasks"]]
    assert len(task_ids) == 114
    assert [t["id"] for t in replays["reference"]] == task_ids
    assert [t["id"] for t in replays["ours"]] == task_ids
    actions = [a for t in replays["reference"] for a in t["actions"]]
    # The gold actions include failing calls and state changes, so both kinds are compared.
    assert any(a["error"] for a in actions) and not all(a["error"] for a in actions)
    assert (
        sum(bool(t["changed"]["orders"] or t["changed"]["users"]) for t in replays["reference"])
        > 50
    )


def test_every_task_matches_tau2(replays: dict[str, Any]) -> None:
    report = conformance(replays["reference"], replays["ours"])
    failing = {task_id: lines for task_id, lines in report.items() if lines}
    details = "\n".join(
        f"task {task_id}:\n" + "\n".join(f"  {line}" for line in lines[:15])
        for task_id, lines in list(failing.items())[:10]
    )
    assert not failing, (
        f"{len(report) - len(failing)}/{len(report)} tasks match τ²; differences:\n{details}"
    )


def test_comparison_reports_a_changed_field_and_a_missing_error(
    replays: dict[str, Any],
) -> None:
    # The comparison itself must catch differences, or the test above could not fail.
    expected = next(t for t in replays["reference"] if t["changed"]["users"])
    user_id, user = next(iter(expected["changed"]["users"].items()))
    actual = copy.deepcopy(expected)
    actual["changed"]["users"][user_id]["email"] = user["email"] + ".changed"
    lines = compare_tasks(expected, actual)
    assert lines == [
        f"final state users.{user_id}.email: expected {user['email']!r}, "
        f"got {user['email'] + '.changed'!r}"
    ]

    failing = next(t for t in replays["reference"] if any(a["error"] for a in t["actions"]))
    n = next(i for i, a in enumerate(failing["actions"]) if a["error"])
    actual = copy.deepcopy(failing)
    actual["actions"][n] = {**actual["actions"][n], "error": False, "output": "ok"}
    assert any(
        "τ² gave error" in line and "shopassist gave success" in line
        for line in compare_tasks(failing, actual)
    )
