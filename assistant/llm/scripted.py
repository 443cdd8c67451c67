"""A scripted, in-process chat model for testing dialogue logic without a server.

It replays a script: each step is a `ChatResult`, a plain string (a text reply), or a
function of the request returning a `ChatResult`. A single function can also drive the whole
conversation. Every request is recorded so tests can inspect what the model was shown.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from assistant.llm.types import CallRules, ChatResult, Message, ToolCall, ToolChoice


@dataclass(frozen=True)
class ChatRequest:
    """One request the scripted model received."""

    messages: list[Message]
    tools: list[dict[str, Any]] | None
    tool_choice: ToolChoice
    rules: CallRules | None = None


Responder = Callable[[ChatRequest], ChatResult | str]
Step = ChatResult | str | Responder


class ScriptExhausted(AssertionError):
    """The dialogue asked the model for more completions than the script holds."""


_call_ids = itertools.count(1)


def call(name: str, arguments: dict[str, Any] | str | None = None, **kwargs: Any) -> ChatResult:
    """A completion holding one tool call.

    Args:
        name: Tool name.
        arguments: Arguments as a dict (serialised to JSON) or raw text (sent as is, e.g. to
            test invalid JSON). Keyword arguments are merged into a dict.
    """
    raw = arguments if isinstance(arguments, str) else json.dumps({**(arguments or {}), **kwargs})
    return ChatResult(
        tool_calls=[ToolCall(id=f"call_{next(_call_ids)}", name=name, arguments=raw)],
        finish_reason="tool_calls",
        prompt_tokens=10,
        completion_tokens=5,
    )


def calls(*results: ChatResult) -> ChatResult:
    """One completion holding the tool calls of several `call(...)` results."""
    merged = [tc for r in results for tc in r.tool_calls]
    return ChatResult(tool_calls=merged, finish_reason="tool_calls", prompt_tokens=10)


def say(text: str) -> ChatResult:
    """A completion holding a text reply."""
    return ChatResult(content=text, finish_reason="stop", prompt_tokens=10, completion_tokens=5)


class ScriptedModel:
    """A `ChatModel` that replays `script`, one step per request.

    Args:
        script: The steps in order, or one responder called for every request.
    """

    def __init__(self, script: Iterable[Step] | Responder) -> None:
        self._responder: Responder | None = script if callable(script) else None
        self._steps: list[Step] = [] if callable(script) else list(script)
        self.requests: list[ChatRequest] = []

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: ToolChoice = "auto",
        rules: CallRules | None = None,
    ) -> ChatResult:
        """Return the next scripted completion for this request."""
        request = ChatRequest(json.loads(json.dumps(messages)), tools, tool_choice, rules)
        self.requests.append(request)
        if self._responder is not None:
            step: Step = self._responder
        elif self._steps:
            step = self._steps.pop(0)
        else:
            raise ScriptExhausted(
                f"the script has no step left for request {len(self.requests)}; "
                f"last message: {messages[-1] if messages else None!r}"
            )
        if callable(step):
            step = step(request)
        return say(step) if isinstance(step, str) else step

    @property
    def remaining(self) -> int:
        """Steps not used yet (0 for a responder-driven model)."""
        return len(self._steps)

    def seen_text(self) -> str:
        """Every message content the model was shown, joined (for assertions)."""
        return "\n".join(str(m.get("content") or "") for r in self.requests for m in r.messages)
