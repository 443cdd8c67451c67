"""Pure functions turning engine events into Gradio chat messages (testable without Gradio)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from assistant.engine import (
    ConfirmationNeededEvent,
    ErrorEvent,
    ReplyEvent,
    ToolCallEvent,
    ToolResultEvent,
    TurnEvent,
)
from assistant.engine.render import ToolOutput, render_output

# Results shown as cards/tables under the reply, so shoppers see the records themselves.
ATTACHED_RESULTS = {"search_products", "compare_products", "get_product", "view_cart"}


def trace_message(event: ToolCallEvent | ToolResultEvent) -> dict[str, Any]:
    """A collapsible trace entry for one tool call or result."""
    if isinstance(event, ToolCallEvent):
        args = event.arguments if isinstance(event.arguments, str) else json.dumps(event.arguments)
        return {
            "role": "assistant",
            "content": f"`{event.name}({args})`",
            "metadata": {"title": f"🔧 {event.name}", "status": "pending"},
        }
    status = "ok" if event.ok else ("refused" if event.refused else "error")
    body = event.error if not event.ok else _short_json(event.data)
    return {
        "role": "assistant",
        "content": f"```json\n{body}\n```" if event.ok else str(body),
        "metadata": {"title": f"↳ {event.name}: {status} ({event.seconds:.2f}s)", "status": "done"},
    }


def reply_text(events: Iterable[TurnEvent]) -> str:
    """The shopper-facing reply of a finished turn: the reply plus result cards."""
    events = list(events)
    reply = next((e for e in reversed(events) if isinstance(e, ReplyEvent)), None)
    if reply is None:
        return ""
    parts = [reply.text]
    if reply.source == "model":
        calls = {e.call_id: e for e in events if isinstance(e, ToolCallEvent)}
        for event in events:
            if isinstance(event, ToolResultEvent) and event.ok and event.name in ATTACHED_RESULTS:
                call = calls.get(event.call_id)
                args = call.arguments if call and isinstance(call.arguments, dict) else {}
                card = render_output(ToolOutput(event.name, args, event.data))
                if card not in parts:  # a repeated call shows its results once
                    parts.append(card)
    return "\n\n".join(p for p in parts if p)


def turn_messages(events: Iterable[TurnEvent]) -> list[dict[str, Any]]:
    """All chat messages of one turn so far: tool trace entries, then the reply."""
    events = list(events)
    messages: list[dict[str, Any]] = []
    for event in events:
        if isinstance(event, ToolCallEvent | ToolResultEvent):
            messages.append(trace_message(event))
        elif isinstance(event, ErrorEvent):
            messages.append({"role": "assistant", "content": f"⚠️ {event.message}"})
        elif isinstance(event, ConfirmationNeededEvent):
            continue  # its summary arrives as the reply
    if any(isinstance(e, ReplyEvent) for e in events):
        messages.append({"role": "assistant", "content": reply_text(events)})
    return messages


def _short_json(data: Any, limit: int = 1500) -> str:
    text = json.dumps(data, indent=1, default=str)
    return text if len(text) <= limit else text[:limit] + "\n…"
