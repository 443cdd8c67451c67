"""What one turn yields while it runs, so an interface can show it as it happens.

The engine emits these; the interfaces render them (`presentation.turns`). A successful
result carries both its JSON data (what the model saw, what the API returns) and its typed
record (what rendering dispatches on).
"""

from __future__ import annotations

from dataclasses import dataclass
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
    status: Literal["ok", "error", "refused", "pending"]
    """How the call ended: ran, failed, refused by policy, or waiting for the shopper's yes."""
    data: Any = None
    """The result as JSON data when `ok`."""
    result: Any = None
    """The typed result (a pydantic model) when `ok`."""
    shown: bool = False
    """The tool's result is shown to the shopper as records under the reply."""
    error: str | None = None
    """What went wrong when not `ok` (invalid arguments, refused by policy, tool failure), or
    the note that a change waits for confirmation."""
    arguments: dict[str, Any] | None = None
    """The validated arguments it ran (or waits) with, when they validated."""
    seconds: float = 0.0
    kind: Literal["tool_result"] = "tool_result"

    @property
    def ok(self) -> bool:
        """True when the tool ran and returned a result."""
        return self.status == "ok"

    @property
    def refused(self) -> bool:
        """True when the store policy refused the call (it did not run)."""
        return self.status == "refused"


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


@dataclass(frozen=True)
class ToolOutput:
    """One successful tool call, as rendering needs it."""

    name: str
    arguments: dict[str, Any]
    result: Any
    """The typed result (a pydantic model)."""
