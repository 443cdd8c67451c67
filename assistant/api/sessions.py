"""Sessions and messages: create, read, delete; post a message (JSON or server-sent events)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from assistant.api.deps import caller, existing_session, require_api_key, state, vouched_user
from assistant.api.errors import ERROR_RESPONSES
from assistant.api.schemas import (
    SESSION_ID_PATTERN,
    MessageIn,
    SessionCreated,
    SessionIn,
    SessionInfo,
    TurnReply,
)
from assistant.api.turns import stream_frames, turn_body
from assistant.engine.direct import pending_action
from assistant.store.models import SessionState

router = APIRouter(
    prefix="/v1/sessions",
    tags=["sessions"],
    dependencies=[Depends(require_api_key)],
    responses=ERROR_RESPONSES,
)

SessionId = Annotated[str, Path(pattern=SESSION_ID_PATTERN, description="The session's id.")]


@router.post("", status_code=201, response_model=SessionCreated)
def create_session(
    request: Request, body: Annotated[SessionIn, Body()] | None = None
) -> dict[str, str]:
    """Start a conversation; its id is a secret of the shopper's browser.

    With `user_id` (the storefront's server, holding the API key) or a valid `token`, the
    session opens signed in for that shopper.
    """
    shop = state(request)
    user_id = vouched_user(shop, body) if body is not None else None
    session_id = uuid.uuid4().hex
    shop.engine.store.save_session(SessionState(session_id, user_id=user_id), owner=caller(request))
    return {"session_id": session_id}


@router.get("/{session_id}", response_model=SessionInfo)
def get_session(request: Request, session_id: SessionId) -> dict[str, Any]:
    """The session's signed-in shopper, pending change and number of turns."""
    engine = state(request).engine
    session = engine.store.load_session(existing_session(request, session_id))
    return {
        "session_id": session_id,
        "user_id": session.user_id if session is not None else None,
        "pending_action": pending_action(engine, session_id),
        "turns": len(engine.store.turns(session_id)),
    }


@router.delete("/{session_id}", status_code=204, response_class=Response)
def delete_session(request: Request, session_id: SessionId) -> Response:
    """Forget the session and its cart (the turn log is kept for evaluation)."""
    existing_session(request, session_id)
    shop = state(request)
    token = shop.locks.acquire_or_409(session_id)
    try:
        shop.engine.store.delete_session(session_id)
    finally:
        shop.locks.release(session_id, token)
    return Response(status_code=204)


@router.post("/{session_id}/messages", response_model=TurnReply)
def post_message(request: Request, session_id: SessionId, message: MessageIn) -> dict[str, Any]:
    """Send the shopper's message and wait for the whole turn (reply, events, records)."""
    existing_session(request, session_id)
    shop = state(request)
    token = shop.locks.acquire_or_409(session_id)
    try:
        outcome = shop.engine.respond(session_id, message.text)
    finally:
        shop.locks.release(session_id, token)
    return turn_body(shop.engine, outcome)


@router.post(
    "/{session_id}/messages/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Turn events."}},
)
def stream_message(
    request: Request, session_id: SessionId, message: MessageIn
) -> StreamingResponse:
    """Send the shopper's message; turn events arrive as server-sent events as they happen.

    Events: `tool_call`, `tool_result`, `confirmation_needed`, `error`, `reply` (the last
    turn event), then `done` with the rendered records and any pending change.
    """
    existing_session(request, session_id)
    shop = state(request)
    token = shop.locks.acquire_or_409(session_id)

    def frames() -> Iterator[str]:
        try:
            yield from stream_frames(
                shop.engine, session_id, shop.engine.run_turn(session_id, message.text)
            )
        finally:
            shop.locks.release(session_id, token)

    # The background task also releases: a stream the client never read never runs `finally`.
    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        background=BackgroundTask(shop.locks.release, session_id, token),
    )
