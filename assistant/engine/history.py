"""Conversation history rebuilt from the store's turn log.

The turn log is the single record of a conversation: every turn keeps the shopper's message,
each tool call with the exact result (or error) the model saw, and the reply. Rebuilding the
messages from it keeps the engine stateless between turns, so any replica can serve any
session from the shared SQL store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from assistant.engine.grounding import Evidence
from assistant.llm.quoting import defang, quote_tool_error, quote_tool_result
from assistant.llm.types import Message
from assistant.presentation.text import RECORDS_HEADER
from assistant.store.order_ids import OrderIdPattern
from assistant.tools.registry import ToolError, ToolRegistry

if TYPE_CHECKING:
    from assistant.store.models import ToolCallRecord, TurnRecord


def tool_message_text(record: ToolCallRecord) -> str:
    """What the model was shown for one logged tool call."""
    if record.error or record.blocked:
        return quote_tool_error(str(record.result))
    return quote_tool_result(record.name, record.result)


def messages_for_call(call_id: str, record: ToolCallRecord) -> list[Message]:
    """The assistant tool-call message and the tool message of one logged call."""
    return [
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": record.name, "arguments": json.dumps(record.arguments)},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call_id, "content": tool_message_text(record)},
    ]


RENDERED_NOTE = "I showed the shopper the records above."
"""What the model sees of a past reply that was a rendering of records: the records' text
(catalog copy, order notes) reaches the model only inside quoted tool results."""


def _said(reply: str) -> str:
    return RENDERED_NOTE if reply.startswith(RECORDS_HEADER) else reply


def messages_from_turns(turns: Sequence[TurnRecord]) -> list[Message]:
    """The chat messages of past turns, oldest first, one tool call per assistant message."""
    messages: list[Message] = []
    for turn in turns:
        messages.append({"role": "user", "content": defang(turn.user_message)})
        for n, record in enumerate(turn.tool_calls):
            messages.extend(messages_for_call(f"t{turn.turn_index}_{n}", record))
        messages.append({"role": "assistant", "content": _said(turn.reply)})
    return messages


def evidence_from_turns(
    turns: Iterable[TurnRecord],
    registry: ToolRegistry,
    order_ids_like: OrderIdPattern | None = None,
) -> Evidence:
    """What the session has seen in successful tool results and shopper messages; results
    are revived as their tools' types, so the items they showed count too.

    Args:
        turns: The session's past turns.
        registry: The tools, whose result types revive the results.
        order_ids_like: How the store's order ids look; None: τ²'s.
    """
    evidence = Evidence() if order_ids_like is None else Evidence(order_ids_like=order_ids_like)
    for turn in turns:
        evidence.add_text(turn.user_message)
        for record in turn.tool_calls:
            if record.error or record.blocked:
                continue
            try:
                evidence.add_result(registry.get(record.name).parse_result(record.result))
            except (ToolError, ValueError):  # a tool gone or changed since: its data still counts
                evidence.add_data(record.result)
    return evidence


def _size(message: Message) -> int:
    calls = message.get("tool_calls") or []
    return len(str(message.get("content") or "")) + sum(len(json.dumps(c)) for c in calls)


def last_turns(messages: list[Message], keep: int, max_chars: int | None = None) -> list[Message]:
    """The messages of the last `keep` shopper turns that fit in `max_chars`.

    History is cut only at a shopper message, so a tool call never loses its result. The
    latest turn is always kept, whatever its size.
    """
    starts = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    if not starts:
        return messages
    first = starts[-min(keep, len(starts))] if keep > 0 else starts[-1]
    if max_chars is not None:
        total = sum(_size(m) for m in messages[starts[-1] :])
        for start in reversed(starts[:-1]):
            if start < first:
                break
            end = starts[starts.index(start) + 1]
            total += sum(_size(m) for m in messages[start:end])
            if total > max_chars:
                first = end
                break
    return messages[first:]
