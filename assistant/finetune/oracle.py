"""The reference model that plays the assistant while training dialogues are generated.

It is a `ChatModel`: the real dialogue engine calls it exactly as it calls the served model,
with the real system prompt, history and tool results. Instead of generating, it follows a
plan of steps for the current shopper turn; a step may look at the tool results of the turn
so far (an `Observation`) to decide its call or write its answer. Every request and the
reply chosen for it are recorded: they become the training targets, each with exactly the
context the engine would show the model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.llm.quoting import unquote_tool_result
from assistant.llm.types import CallRules, ChatResult, Message, ToolCall, ToolChoice
from assistant.tools import default_registry
from assistant.tools.registry import ToolRegistry

Kind = Literal["call", "ask", "refuse", "answer", "chat"]
"""What a target does: call a tool, ask for missing details, refuse, answer from tool
results, or plain conversation (greetings, thanks, acknowledging a declined change)."""

KINDS: tuple[Kind, ...] = ("call", "ask", "refuse", "answer", "chat")
_SESSION_USER = re.compile(r"authenticated as user id (\S+?)\.?$", re.MULTILINE)
_REGISTRY = default_registry()


class PlanError(RuntimeError):
    """A dialogue plan did not fit what the engine and tools actually did."""


@dataclass(frozen=True)
class Target:
    """One completion of the reference model: a tool call or a text reply."""

    kind: Kind
    text: str = ""
    name: str = ""
    arguments: str = ""
    """The call's arguments as JSON text, normalised through the tool's schema."""

    @property
    def is_call(self) -> bool:
        """True for a tool call."""
        return self.kind == "call"

    def as_result(self, call_id: str) -> ChatResult:
        """The completion as the engine receives it from a chat model."""
        if self.is_call:
            call = ToolCall(id=call_id, name=self.name, arguments=self.arguments)
            return ChatResult(tool_calls=[call], finish_reason="tool_calls")
        return ChatResult(content=self.text, finish_reason="stop")

    def as_message(self, call_id: str = "call_0") -> Message:
        """The assistant message the engine appends for this completion."""
        if self.is_call:
            part = {
                "id": call_id,
                "type": "function",
                "function": {"name": self.name, "arguments": self.arguments},
            }
            return {"role": "assistant", "content": "", "tool_calls": [part]}
        return {"role": "assistant", "content": self.text}

    def to_json(self) -> dict[str, Any]:
        """Plain data for the eval cases file."""
        if self.is_call:
            return {"kind": self.kind, "name": self.name, "arguments": json.loads(self.arguments)}
        return {"kind": self.kind, "text": self.text}


def tool_call(registry: ToolRegistry, name: str, **arguments: Any) -> Target:
    """A call target; the arguments are validated and written as the engine stores them.

    The engine shows past calls with their validated arguments (defaults filled in), so the
    model is trained to write them that way too: what it writes and what it later reads agree.
    """
    validated = registry.get(name).validate(arguments)
    return Target("call", name=name, arguments=json.dumps(validated.model_dump(mode="json")))


def say(kind: Kind, text: str) -> Target:
    """A text target."""
    if kind == "call":
        raise ValueError("a text reply cannot have kind 'call'")
    return Target(kind, text=text)


@dataclass(frozen=True)
class ToolObservation:
    """One tool call of the current turn and what came back."""

    name: str
    arguments: dict[str, Any]
    data: Any
    """The result data (None when the call failed or was refused)."""
    result: Any
    """The typed result (None when the call failed or was refused)."""
    error: str | None
    """The error text the model saw, without the `Error: ` prefix."""

    @property
    def ok(self) -> bool:
        """True when the call returned data."""
        return self.error is None


@dataclass(frozen=True)
class Observation:
    """What the model has seen so far in the current turn."""

    results: tuple[ToolObservation, ...]
    user_id: str | None
    """The authenticated shopper, from the session note in the system prompt."""
    user_text: str

    @property
    def last(self) -> ToolObservation:
        """The latest tool result; a plan asking for it before any call is wrong."""
        if not self.results:
            raise PlanError("the step expected a tool result, but no tool ran in this turn")
        return self.results[-1]

    @classmethod
    def from_messages(cls, messages: Sequence[Message]) -> Observation:
        """Read the current turn (everything after the last shopper message)."""
        system = str(messages[0].get("content", "")) if messages else ""
        found = _SESSION_USER.search(system)
        starts = [i for i, m in enumerate(messages) if m.get("role") == "user"]
        start = starts[-1] if starts else 0
        calls: dict[str, tuple[str, dict[str, Any]]] = {}
        results: list[ToolObservation] = []
        for message in messages[start:]:
            for part in message.get("tool_calls") or []:
                fn = part["function"]
                calls[part["id"]] = (fn["name"], json.loads(fn["arguments"] or "{}"))
            if message.get("role") == "tool":
                name, arguments = calls.get(message.get("tool_call_id", ""), ("", {}))
                content = str(message.get("content", ""))
                data = unquote_tool_result(content)
                error = None if data is not None else content.removeprefix("Error: ")
                typed = _REGISTRY.get(name).parse_result(data) if error is None else None
                results.append(ToolObservation(name, arguments, data, typed, error))
        user_text = str(messages[start].get("content", "")) if starts else ""
        return cls(tuple(results), found.group(1) if found else None, user_text)


Step = Target | Callable[[Observation], Target]
"""A planned completion, fixed or computed from the turn's tool results."""


@dataclass
class CallRecord:
    """One request the engine made and the target chosen for it."""

    messages: list[Message]
    target: Target
    meta: dict[str, Any] = field(default_factory=dict)


class OracleModel:
    """A `ChatModel` following one turn's plan at a time and recording every request."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []
        self._steps: list[Step] = []
        self._meta: dict[str, Any] = {}
        self._calls = 0

    def load(self, steps: Sequence[Step], meta: dict[str, Any]) -> None:
        """Plan the next turn: its completions in order, and labels for their records."""
        if self._steps:
            raise PlanError(f"{len(self._steps)} planned step(s) of the last turn were not used")
        self._steps = list(steps)
        self._meta = dict(meta)

    def finish_turn(self) -> None:
        """Check the turn used its whole plan."""
        if self._steps:
            left = len(self._steps)
            self._steps = []
            raise PlanError(f"the engine stopped asking after the turn; {left} step(s) unused")

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: ToolChoice = "auto",
        rules: CallRules | None = None,
    ) -> ChatResult:
        """The next planned completion for this request."""
        if not self._steps:
            last = messages[-1] if messages else None
            raise PlanError(f"the engine asked for a completion the plan lacks; last: {last!r}")
        step = self._steps.pop(0)
        snapshot = json.loads(json.dumps(messages))
        target = step(Observation.from_messages(snapshot)) if callable(step) else step
        self.records.append(CallRecord(snapshot, target, dict(self._meta)))
        self._calls += 1
        return target.as_result(f"call_{self._calls}")
