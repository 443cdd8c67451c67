"""Types shared by every chat model the dialogue engine can drive."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

Message = dict[str, Any]
"""One OpenAI chat message (`role`, `content`, optional `tool_calls` / `tool_call_id`)."""

ToolChoice = str | dict[str, Any]
"""`"auto"`, `"required"`, `"none"` or `{"type": "function", "function": {"name": ...}}`."""


@dataclass(frozen=True)
class ToolCall:
    """A tool call as the model produced it; `arguments` is the raw JSON text."""

    id: str
    name: str
    arguments: str

    def as_message_part(self) -> dict[str, Any]:
        """The call in the OpenAI assistant-message `tool_calls` shape."""
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }


@dataclass(frozen=True)
class ArgumentHold:
    """What one argument may be in the next call, held in the decoding grammar."""

    allowed: tuple[str, ...] | None = None
    """Every value (each element of a list) is one of these; () allows none; None: free."""
    spelled: tuple[str, ...] = ()
    """A list argument must start with exactly these, in order."""
    repeatable: tuple[str, ...] = ()
    """Of `spelled`, the values that may come again after it."""
    pattern: str | None = None
    """A string argument must match this regex (e.g. only words the shopper wrote)."""

    def admits(self, value: object) -> bool:
        """Whether `value` (a string or a list of strings) keeps to the hold."""
        values = value if isinstance(value, list) else [value]
        if self.allowed is not None:
            allowed = {a.lower() for a in self.allowed}
            if not all(isinstance(v, str) and v.lower() in allowed for v in values):
                return False
        if self.pattern is not None:
            return all(isinstance(v, str) and re.fullmatch(self.pattern, v) for v in values)
        return True


@dataclass(frozen=True)
class CallRules:
    """What the next completion may call: which tools, and what their arguments may be.

    The engine decides them from the conversation; a server that can constrain decoding
    (vLLM) holds the model to them, and the engine checks every call against them anyway.
    """

    tools: frozenset[str] | None = None
    """Names of the tools that may be called; None: every tool offered."""
    holds: Mapping[str, ArgumentHold] = field(default_factory=dict)
    """Holds by argument name, for every tool that has that argument."""
    reply_schema: Mapping[str, Any] | None = None
    """JSON schema a text reply must match (a listing draft, say); None: free text."""


@dataclass
class ChatResult:
    """One completion: text and/or tool calls, with token counts."""

    content: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ChatModel(Protocol):
    """Anything that completes a chat with tools: the vLLM client, or a scripted test model."""

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: ToolChoice = "auto",
        rules: CallRules | None = None,
    ) -> ChatResult:
        """Complete `messages`, possibly calling one of `tools` within `rules`."""
        ...
