"""What an eval run records: every turn of every trial of every dialogue, as typed data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field


class CallRecord(BaseModel):
    """One tool call of a turn, as it ended."""

    name: str
    status: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None


class InventionRecord(BaseModel):
    """An argument value with no source in the conversation."""

    tool: str
    argument: str
    value: str
    kind: str
    """identity, search or other."""


class TurnResult(BaseModel):
    """One turn: what was said, called and shown, and whether it met its expectations."""

    index: int
    user: str
    reply: str
    source: str
    """Where the reply came from: model, rendered or confirmation."""
    calls: list[CallRecord] = Field(default_factory=list)
    pending: str | None = None
    problems: list[str] = Field(default_factory=list)
    wrong_writes: list[str] = Field(default_factory=list)
    inventions: list[InventionRecord] = Field(default_factory=list)
    grounding_failed: bool = False
    policy_refusals: int = 0
    tool_errors: int = 0
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def passed(self) -> bool:
        """The turn met every expectation and ran no change it should not have."""
        return not self.problems and not self.wrong_writes


class DialogueResult(BaseModel):
    """One trial of one dialogue."""

    id: str
    category: str
    split: str
    store: str = "tau2"
    tags: list[str] = Field(default_factory=list)
    trial: int
    turns: list[TurnResult] = Field(default_factory=list)
    state_problems: list[str] = Field(default_factory=list)
    error: str | None = None
    """An exception that ended the dialogue early."""

    @property
    def store_split(self) -> str:
        """`<store> <split>`: the figures a store's held-out dialogues give apart."""
        return f"{self.store} {self.split}"

    @property
    def passed(self) -> bool:
        """Every turn passed, the store ended as expected, nothing failed."""
        return self.error is None and not self.state_problems and all(t.passed for t in self.turns)


class EvalRun(BaseModel):
    """A whole run: which model, how many trials, every dialogue trial."""

    label: str
    model: str
    base_url: str
    k: int
    started: str
    seconds: float
    settings: dict[str, Any] = Field(default_factory=dict)
    results: list[DialogueResult] = Field(default_factory=list)

    def save(self, path: Path) -> Path:
        """Write the run as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=1) + "\n")
        return path

    @classmethod
    def load(cls, path: Path) -> EvalRun:
        """Read a run written by `save`."""
        return cls.model_validate_json(path.read_text())
