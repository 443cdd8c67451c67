"""What one turn yields while it runs, so a UI can show progress, and what it ends with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class ToolCallEvent:
    """The model asked for a tool (before validation and policy)."""

    call_id: str
    name: str
    arguments: dict[str, Any] | str
    """Parsed arguments, or the raw text when it was not a JSON object."""
    kind: Literal["tool_call"] = "tool_call"


@dataclass(frozen=True)
class ToolResultEvent:
    """A tool call finished: its result, or the error the model was shown."""

    call_id: str
    name: str
    ok: bool
    data: Any = None
    """The result as JSON data when `ok`."""
    error: str | None = None
    """What went wrong when not `ok` (invalid arguments, refused by policy, tool failure)."""
    refused: bool = False
    """True when the store policy refused the call (it did not run)."""
    seconds: float = 0.0
    kind: Literal["tool_result"] = "tool_result"


@dataclass(frozen=True)
class ConfirmationNeededEvent:
    """A change to the store waits for the shopper's explicit yes."""

    name: str
    arguments: dict[str, Any]
    summary: str
    kind: Literal["confirmation_needed"] = "confirmation_needed"


@dataclass(frozen=True)
class ReplyEvent:
    """The reply shown to the shopper; always the last event of a turn."""

    text: str
    source: Literal["model", "rendered", "confirmation"]
    """`model`: the model's own verified text; `rendered`: a deterministic rendering of tool
    results (the model's text failed grounding or was empty); `confirmation`: the summary of
    a pending change."""
    grounding_failed: bool = False
    unsupported: tuple[str, ...] = ()
    """Ids and prices in the model's text that no tool result supported."""
    kind: Literal["reply"] = "reply"


@dataclass(frozen=True)
class ErrorEvent:
    """Something failed that the shopper should know about (e.g. the model is unreachable)."""

    message: str
    kind: Literal["error"] = "error"


TurnEvent = ToolCallEvent | ToolResultEvent | ConfirmationNeededEvent | ReplyEvent | ErrorEvent


@dataclass
class TurnOutcome:
    """Everything one turn produced: the reply, its events and its counters."""

    session_id: str
    reply: str
    events: list[TurnEvent] = field(default_factory=list)
    grounding_failed: bool = False
    pending_action: dict[str, Any] | None = None
    tool_errors: int = 0
    """Tool calls that failed: invalid arguments, unknown tools, tool exceptions."""
    policy_refusals: int = 0
    rounds: int = 0
    """Model calls that asked for tools."""
    round_cap_hit: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    @property
    def tool_calls(self) -> list[ToolCallEvent]:
        """The tool calls the model made this turn."""
        return [e for e in self.events if isinstance(e, ToolCallEvent)]

    @property
    def tool_results(self) -> list[ToolResultEvent]:
        """The results (or errors) of this turn's tool calls."""
        return [e for e in self.events if isinstance(e, ToolResultEvent)]
