"""The retail world each dialogue runs in: one SQLite template, copied fresh per trial.

Loading the τ² world into SQLite takes about a second; copying the file takes
milliseconds, so the template is built once per run and every task and trial gets its own
copy. The expected final state of a task (its gold actions run straight through the tools
on a fresh copy, as τ²'s evaluator builds its gold environment) is computed once per task
and reused across trials.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.store import Store
from evals.tau2.digest import changed_entities
from evals.tau2.replay import build_template, run_gold_actions
from evals.tau2.scoring import ExpectedState, state_hash
from evals.tau2.tasks import Task

_MEMORY_FS = Path("/dev/shm")


def scratch_parent() -> str | None:
    """Where the per-trial copies go: a memory file system when the machine has one.

    Every tool call and turn commits, and on disk each commit waits for a sync; the copies
    are thrown away, so nothing is lost by keeping them in memory (None: the default).
    """
    if _MEMORY_FS.is_dir() and os.access(_MEMORY_FS, os.W_OK):
        return str(_MEMORY_FS)
    return None


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A temporary folder for a run's template and copies, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="shopassist-tau2-", dir=scratch_parent()) as tmp:
        yield Path(tmp)


class World:
    """A template store holding the initial retail world, and fresh copies of it.

    Args:
        db: The retail database (`db.json` shape).
        workdir: Folder for the template and the copies (a temporary folder).
    """

    def __init__(self, db: dict[str, Any], workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.template = workdir / "template.sqlite"
        self.initial = build_template(self.template, db)
        self.initial_hash = state_hash(self.initial)
        self._expected: dict[str, ExpectedState] = {}
        self._copies = itertools.count(1)

    @contextmanager
    def fresh_store(self) -> Iterator[Store]:
        """A store on a new copy of the template, closed and deleted afterwards."""
        # The process id keeps the copies of forked workers apart.
        path = self.workdir / f"copy-{os.getpid()}-{next(self._copies)}.sqlite"
        shutil.copyfile(self.template, path)
        store = Store(f"sqlite:///{path}")
        try:
            yield store
        finally:
            store.close()
            path.unlink(missing_ok=True)

    def expected(self, task: Task) -> ExpectedState:
        """The state `task`'s gold actions produce from the initial world (cached)."""
        if task.id not in self._expected:
            calls = [(a.name, a.arguments) for a in task.gold_actions]
            with self.fresh_store() as store:
                run_gold_actions(store, calls, f"tau2-gold-{task.id}")
                final = store.dump_tau2()
            self._expected[task.id] = ExpectedState(
                hash=state_hash(final), changed=changed_entities(self.initial, final)
            )
        return self._expected[task.id]
