"""The dialogue engine: tool rounds under the store policy, grounded replies, turn events."""

from assistant.engine.choice import (
    ChoiceContext,
    ToolChoiceStrategy,
    auto_tool_choice,
    require_tool_first,
)
from assistant.engine.dialogue import DialogueEngine
from assistant.engine.outcome import TurnOutcome
from assistant.engine.policy import Policy, is_explicit_yes
from assistant.presentation.events import (
    ConfirmationNeededEvent,
    ErrorEvent,
    ReplyEvent,
    ToolCallEvent,
    ToolResultEvent,
    TurnEvent,
)

__all__ = [
    "ChoiceContext",
    "ConfirmationNeededEvent",
    "DialogueEngine",
    "ErrorEvent",
    "Policy",
    "ReplyEvent",
    "ToolCallEvent",
    "ToolChoiceStrategy",
    "ToolResultEvent",
    "TurnEvent",
    "TurnOutcome",
    "auto_tool_choice",
    "is_explicit_yes",
    "require_tool_first",
]
