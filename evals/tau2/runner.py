"""Running trials: one dialogue on a fresh copy of the world, scored; in one process or several.

Trials are independent (each has its own copy of the store), so tasks can run side by side
in forked worker processes. A worker inherits the runner, with its template, agent factory
and user client, from the parent; the results come back in task order.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.engine.dialogue import DialogueEngine
from assistant.llm.types import ChatModel
from assistant.tools.registry import ToolRegistry
from evals.tau2.conversation import run_dialogue
from evals.tau2.gold import GoldAgent, GoldUser, closing_message, gold_plan
from evals.tau2.report import TrialResult
from evals.tau2.scoring import score_trial
from evals.tau2.tasks import Task
from evals.tau2.user_scripts import UserScript
from evals.tau2.users import ScriptedUser, SimulatedUser, UserSide, UserSimulatorClient
from evals.tau2.world import World

Mode = Literal["gold", "scripted", "simulated"]
AgentFactory = Callable[[Task], ChatModel]
"""Builds the agent's chat model for one trial of a task."""


@dataclass
class TrialRunner:
    """What every trial of one run shares."""

    mode: Mode
    max_turns: int
    world: World
    registry: ToolRegistry
    system_prompt: str
    scripts: dict[str, UserScript]
    make_agent: AgentFactory | None
    user_client: UserSimulatorClient | None

    def sides(self, task: Task) -> tuple[ChatModel, UserSide]:
        """The agent's model and the user side of one trial."""
        if self.mode == "gold":
            gold = GoldAgent(gold_plan(task, self.world.initial), closing_message(task))
            return gold, GoldUser(gold)
        if self.make_agent is None:
            raise ValueError(f"{self.mode} mode needs an agent model")
        if self.mode == "scripted":
            return self.make_agent(task), ScriptedUser(self.scripts[task.id].messages)
        if self.user_client is None:
            raise ValueError("simulated mode needs the user simulator's endpoint")
        return self.make_agent(task), SimulatedUser(self.user_client, task.user_scenario)

    def trial(self, task: Task, trial: int) -> TrialResult:
        """Run and score one trial on a fresh copy of the world."""
        started = time.perf_counter()
        expected = self.world.expected(task)
        model, user = self.sides(task)
        with self.world.fresh_store() as store:
            # Gold actions are τ²'s plan, right by definition: they are not held to what the
            # conversation showed (a model's calls are).
            engine = DialogueEngine(
                model,
                store,
                self.registry,
                system_prompt=self.system_prompt,
                hold_arguments=self.mode != "gold",
            )
            session = f"tau2-{task.id}-{trial}"
            dialogue = run_dialogue(engine, user, session, max_turns=self.max_turns)
            final = store.dump_tau2()
        score = score_trial(
            task,
            expected,
            self.world.initial,
            final,
            dialogue.agent_messages,
            dialogue.calls,
            dialogue.termination,
        )
        return TrialResult(task.id, trial, score, dialogue, time.perf_counter() - started)

    def task_trials(self, task: Task, trials: int) -> list[TrialResult]:
        """All trials of one task."""
        return [self.trial(task, n) for n in range(trials)]


# The runner forked workers inherit (set only while a pool is open).
_inherited: TrialRunner | None = None


def _in_worker(job: tuple[Task, int]) -> list[TrialResult]:
    if _inherited is None:
        raise RuntimeError("a harness worker started without its runner")
    return _inherited.task_trials(*job)


def run_trials(
    runner: TrialRunner, tasks: Sequence[Task], trials: int, workers: int = 1
) -> Iterator[TrialResult]:
    """Every trial of every task, in task order.

    Args:
        runner: Runs one trial.
        tasks: The tasks.
        trials: Trials per task.
        workers: Processes running tasks side by side; more than 1 forks (Linux).
    """
    if workers == 1 or len(tasks) < 2:
        for task in tasks:
            for trial in range(trials):
                yield runner.trial(task, trial)
        return
    global _inherited
    _inherited = runner
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(tasks))) as pool:
            for results in pool.imap(_in_worker, [(task, trials) for task in tasks]):
                yield from results
    finally:
        _inherited = None
