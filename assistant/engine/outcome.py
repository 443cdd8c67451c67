"""What one turn ends with: its reply, its events and its counters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.presentation.events import ToolCallEvent, ToolResultEvent, TurnEvent


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
