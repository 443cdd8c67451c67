"""An OpenAI-compatible `/v1/chat/completions` facade over the dialogue engine.

Any OpenAI client can talk to the assistant: model `shopassist`. The assistant keeps the
conversation itself, so only the last user message of `messages` is the new turn; the
session is the `X-Session-Id` header, else the caller's conversation with the `user` field's
end user, else a new session; its id comes back in the `X-Session-Id` response header. A
session is bound to the caller that opened it (its API key, else its address): another
caller naming it, by header or by the same `user`, gets another conversation or a 404.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from assistant.api.deps import caller, owned_by_caller, require_api_key, state
from assistant.api.errors import ERROR_RESPONSES, ApiError
from assistant.api.schemas import MAX_MESSAGE_CHARS, SESSION_ID_PATTERN
from assistant.engine import ReplyEvent, ToolCallEvent, TurnEvent
from assistant.presentation.turns import reply_text
from assistant.store.models import SessionState

MODEL_ID = "shopassist"

router = APIRouter(
    prefix="/v1",
    tags=["openai"],
    dependencies=[Depends(require_api_key)],
    responses=ERROR_RESPONSES,
)


class ChatMessageIn(BaseModel):
    """One OpenAI chat message (only user text is read)."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionIn(BaseModel):
    """The OpenAI chat completions request; sampling options are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(description=f"Must be '{MODEL_ID}'.")
    messages: list[ChatMessageIn] = Field(min_length=1)
    stream: bool = False
    user: str | None = Field(
        default=None,
        pattern=SESSION_ID_PATTERN,
        description="Your end user's id: the conversation is this caller's with that user.",
    )


def last_user_text(messages: list[ChatMessageIn]) -> str:
    """The text of the last user message; 400 when there is none."""
    for message in reversed(messages):
        if message.role != "user":
            continue
        content = message.content
        if isinstance(content, list):
            content = " ".join(
                str(part.get("text", "")) for part in content if part.get("type") == "text"
            )
        text = (content or "").strip()
        if not text:
            raise ApiError(400, "invalid_request", "the last user message has no text")
        if len(text) > MAX_MESSAGE_CHARS:
            raise ApiError(
                422,
                "invalid_request",
                f"the last user message is {len(text)} characters; the limit is "
                f"{MAX_MESSAGE_CHARS}",
            )
        return text
    raise ApiError(400, "invalid_request", "messages hold no user message")


def _session(request: Request, header: str | None, body: ChatCompletionIn) -> str:
    """The turn's session (created when new)."""
    if header is not None and re.fullmatch(SESSION_ID_PATTERN, header) is None:
        raise ApiError(422, "invalid_request", f"X-Session-Id must match {SESSION_ID_PATTERN}")
    who = caller(request)
    if header is not None:
        session_id = header
    elif body.user is not None:
        # `user` names the caller's end user: the same `user` from another caller (another
        # key, or another address without one) is another conversation.
        session_id = "u" + hashlib.sha256(f"{who}\0{body.user}".encode()).hexdigest()[:32]
    else:
        session_id = uuid.uuid4().hex
    store = state(request).engine.store
    if store.load_session(session_id) is None:
        if store.session_owner(session_id) is not None and not owned_by_caller(request, session_id):
            raise ApiError(404, "session_not_found", f"no session {session_id}")
        store.save_session(SessionState(session_id), owner=who)
    elif not owned_by_caller(request, session_id):
        raise ApiError(404, "session_not_found", f"no session {session_id}")
    return session_id


def _chunk(cid: str, created: int, delta: dict[str, Any], finish: str | None = None) -> str:
    body = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


@router.get("/models")
def list_models() -> dict[str, Any]:
    """The one model this facade serves."""
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "shopassist"}],
    }


@router.post("/chat/completions", response_model=None)
def chat_completions(
    request: Request,
    body: ChatCompletionIn,
    x_session_id: Annotated[str | None, Header(description="The conversation's id.")] = None,
) -> JSONResponse | StreamingResponse:
    """One assistant turn in the OpenAI chat completions format (JSON or `stream: true`)."""
    if body.model != MODEL_ID:
        raise ApiError(
            404, "model_not_found", f"model {body.model!r} does not exist; use '{MODEL_ID}'"
        )
    text = last_user_text(body.messages)
    session_id = _session(request, x_session_id, body)
    shop = state(request)
    token = shop.locks.acquire_or_409(session_id)
    cid = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    headers = {"X-Session-Id": session_id}
    if not body.stream:
        try:
            outcome = shop.engine.respond(session_id, text)
        finally:
            shop.locks.release(session_id, token)
        answer = {
            "id": cid,
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply_text(outcome.events)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": outcome.prompt_tokens,
                "completion_tokens": outcome.completion_tokens,
                "total_tokens": outcome.prompt_tokens + outcome.completion_tokens,
            },
        }
        return JSONResponse(answer, headers=headers)

    def frames() -> Iterator[str]:
        try:
            yield _chunk(cid, created, {"role": "assistant", "content": ""})
            seen: list[TurnEvent] = []
            for event in shop.engine.run_turn(session_id, text):
                seen.append(event)
                if isinstance(event, ToolCallEvent):
                    # An SSE comment: clients skip it, proxies see the stream is alive.
                    yield f": tool_call {event.name}\n\n"
                elif isinstance(event, ReplyEvent):
                    yield _chunk(cid, created, {"content": reply_text(seen)})
            yield _chunk(cid, created, {}, finish="stop")
            yield "data: [DONE]\n\n"
        finally:
            shop.locks.release(session_id, token)

    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={**headers, "Cache-Control": "no-cache"},
        background=BackgroundTask(shop.locks.release, session_id, token),
    )
