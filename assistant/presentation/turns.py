"""Turn events as what an interface shows: the reply, the records under it, and a trace.

The Gradio app, the terminal chat, the storefront API and the OpenAI facade present a turn the
same way: the verified reply, then the records behind it (product cards, comparison tables,
order summaries) for tools whose results are shown, and a per-turn trace of tool calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.presentation.events import (
    ErrorEvent,
    ReplyEvent,
    ToolCallEvent,
    ToolOutput,
    ToolResultEvent,
    TurnEvent,
)
from assistant.presentation.html import render_html
from assistant.presentation.text import RECORDS_HEADER, render_fallback, render_text


def shown_outputs(events: Iterable[TurnEvent]) -> list[ToolOutput]:
    """This turn's successful results that are shown as records, each shown once."""
    events = list(events)
    calls = {e.call_id: e for e in events if isinstance(e, ToolCallEvent)}
    outputs: list[ToolOutput] = []
    seen: set[str] = set()
    for event in events:
        if not (isinstance(event, ToolResultEvent) and event.ok and event.shown):
            continue
        key = json.dumps([event.name, event.data], sort_keys=True, default=str)
        if key in seen:  # a repeated call shows its results once
            continue
        seen.add(key)
        call = calls.get(event.call_id)
        args = call.arguments if call is not None and isinstance(call.arguments, dict) else {}
        outputs.append(ToolOutput(event.name, args, event.result))
    return outputs


def cards_markdown(events: Iterable[TurnEvent]) -> str:
    """The turn's records as markdown (API, terminal, scripts)."""
    return "\n\n".join(render_text(o.result) for o in shown_outputs(events))


def final_reply(events: Sequence[TurnEvent]) -> ReplyEvent | None:
    """The turn's reply event, once it has arrived."""
    return next((e for e in reversed(events) if isinstance(e, ReplyEvent)), None)


def _is_plain_rendering(reply: ReplyEvent, outputs: Sequence[ToolOutput]) -> bool:
    """True when the reply is only the text rendering of the records the cards show."""
    return (
        reply.source == "rendered" and bool(outputs) and reply.text == render_fallback(outputs[-1:])
    )


def reply_text(events: Iterable[TurnEvent]) -> str:
    """The shopper-facing reply of a finished turn as markdown: the reply plus its records.

    Items are one line each (name, item id, options, price, stock), also when the reply is
    the engine's rendering of the records, so an id and its price always share a line.
    """
    events = list(events)
    reply = final_reply(events)
    if reply is None:
        return ""
    outputs = shown_outputs(events)
    cards = "\n\n".join(render_text(o.result) for o in outputs)
    if _is_plain_rendering(reply, outputs):
        return f"{RECORDS_HEADER}\n{cards}"
    if reply.source == "confirmation":
        return reply.text
    return "\n\n".join(p for p in (reply.text, cards) if p)


def reply_html(events: Sequence[TurnEvent]) -> str:
    """The reply for the web chat: markdown text, then HTML cards of the records."""
    reply = final_reply(events)
    if reply is None:
        return ""
    outputs = shown_outputs(events)
    if reply.source == "confirmation" or not outputs:
        return reply.text
    text = RECORDS_HEADER if _is_plain_rendering(reply, outputs) else reply.text
    cards = "\n".join(render_html(o.result) for o in outputs)
    # Blank lines around raw HTML keep the markdown renderer from swallowing it.
    return f"{text}\n\n{cards}\n"


def _short_json(data: Any, limit: int = 1200) -> str:
    text = json.dumps(data, indent=1, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "\n…"


def trace_messages(events: Sequence[TurnEvent], turn_id: str) -> list[dict[str, Any]]:
    """One collapsible trace per turn: a parent entry, one child per tool call."""
    calls = [e for e in events if isinstance(e, ToolCallEvent)]
    if not calls:
        return []
    results = {e.call_id: e for e in events if isinstance(e, ToolResultEvent)}
    done = final_reply(events) is not None
    seconds = sum(r.seconds for r in results.values())
    count = f"{len(calls)} tool call" + ("s" if len(calls) != 1 else "")
    parent: dict[str, Any] = {
        "role": "assistant",
        "content": "",
        "metadata": {
            "title": count,
            "id": turn_id,
            "status": "done" if done else "pending",
            "duration": round(seconds, 2),
        },
    }
    children = []
    for call in calls:
        args = call.arguments if isinstance(call.arguments, str) else json.dumps(call.arguments)
        result = results.get(call.call_id)
        if result is None:
            status, body = "running…", f"`{call.name}({args})`"
        else:
            status = "ok" if result.ok else ("refused" if result.refused else "error")
            shown = _short_json(result.data) if result.ok else str(result.error)
            fence = "json" if result.ok else "text"
            body = f"`{call.name}({args})`\n\n```{fence}\n{shown}\n```"
        meta: dict[str, Any] = {
            "title": f"{call.name}: {status}",
            "parent_id": turn_id,
            "status": "done" if result is not None else "pending",
        }
        if result is not None:
            meta["duration"] = round(result.seconds, 3)
        children.append({"role": "assistant", "content": body, "metadata": meta})
    return [parent, *children]


def turn_messages(events: Iterable[TurnEvent], turn_id: str = "turn") -> list[dict[str, Any]]:
    """All chat messages of one turn so far: its trace, any errors, then the reply."""
    events = list(events)
    messages = trace_messages(events, turn_id)
    for event in events:
        if isinstance(event, ErrorEvent):
            messages.append(
                {
                    "role": "assistant",
                    "content": f"**Something went wrong:** {event.message}",
                }
            )
    reply = reply_html(events)
    if reply:
        messages.append({"role": "assistant", "content": reply})
    return messages
