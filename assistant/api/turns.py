"""Turn events as JSON: the messages endpoint's body and its server-sent event stream."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from fastapi.encoders import jsonable_encoder

from assistant.engine import ErrorEvent, ReplyEvent, ToolResultEvent, TurnEvent, TurnOutcome
from assistant.engine.direct import pending_action
from assistant.presentation.turns import cards_markdown


def event_dict(event: TurnEvent) -> dict[str, Any]:
    """One event as JSON data; `kind` says which. A result's typed record is its `data`."""
    data = asdict(event)
    if isinstance(event, ToolResultEvent):
        data.pop("result")
        data.update(ok=event.ok, refused=event.refused)
    return jsonable_encoder(data)


def sse(event: str, data: Any) -> str:
    """One server-sent event frame."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def turn_body(engine: Any, outcome: TurnOutcome) -> dict[str, Any]:
    """The JSON answer to one message."""
    reply = next((e for e in reversed(outcome.events) if isinstance(e, ReplyEvent)), None)
    return {
        "session_id": outcome.session_id,
        "reply": outcome.reply,
        "source": reply.source if reply is not None else "rendered",
        "cards": cards_markdown(outcome.events),
        "pending_action": pending_action(engine, outcome.session_id),
        "errors": [e.message for e in outcome.events if isinstance(e, ErrorEvent)],
        "events": [event_dict(e) for e in outcome.events],
        "grounding_failed": outcome.grounding_failed,
        "usage": {
            "prompt_tokens": outcome.prompt_tokens,
            "completion_tokens": outcome.completion_tokens,
        },
        "seconds": round(outcome.seconds, 3),
    }


def stream_frames(engine: Any, session_id: str, events: Iterable[TurnEvent]) -> Iterator[str]:
    """Each event as it happens, then a `done` frame with the whole turn's body."""
    seen: list[TurnEvent] = []
    for event in events:
        seen.append(event)
        yield sse(event.kind, event_dict(event))
    yield sse(
        "done",
        {
            "session_id": session_id,
            "cards": cards_markdown(seen),
            "pending_action": pending_action(engine, session_id),
        },
    )
