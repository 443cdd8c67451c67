"""Tools: list them with their schemas, call one directly, confirm a pending change."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.responses import JSONResponse

from assistant.api.deps import existing_session, require_api_key, state
from assistant.api.errors import ERROR_RESPONSES, ApiError
from assistant.api.schemas import (
    SESSION_ID_PATTERN,
    ConfirmIn,
    PendingAction,
    ToolInfo,
    ToolResult,
)
from assistant.engine.direct import DirectResult, call_tool, confirm, pending_action

router = APIRouter(
    prefix="/v1", tags=["tools"], dependencies=[Depends(require_api_key)], responses=ERROR_RESPONSES
)

SessionId = Annotated[str, Path(pattern=SESSION_ID_PATTERN, description="The session's id.")]
ToolName = Annotated[str, Path(pattern=r"^[A-Za-z0-9_]{1,64}$", description="The tool's name.")]

# How a direct call that did not run is answered.
_FAILURES = {
    "unknown_tool": 404,
    "invalid_arguments": 422,
    "refused": 403,
    "tool_error": 400,
    "nothing_pending": 409,
    "action_mismatch": 409,
}


def tool_infos(registry: Any) -> list[dict[str, Any]]:
    """Every tool with its kind, auth need and generated argument schema."""
    return [
        {
            "name": tool.name,
            "kind": tool.kind.value,
            "needs_auth": tool.needs_auth,
            "owner": tool.owner,
            "shows": tool.shows,
            "description": tool.description,
            "parameters": tool.openai_schema()["function"]["parameters"],
        }
        for tool in registry
    ]


def answer(result: DirectResult) -> JSONResponse:
    """200 for a result, 202 for a change awaiting confirmation, else the error body."""
    if result.status in _FAILURES:
        details: Any = result.details or None
        message = result.error or ""
        if result.status == "tool_error":
            # τ²'s wording ("Order not found") names no value: say which call it was.
            shown = ", ".join(f"{k}={v!r}" for k, v in result.arguments.items())
            message = f"{result.tool}({shown}): {message}"
            details = {"tool": result.tool, "arguments": result.arguments}
        raise ApiError(_FAILURES[result.status], result.status, message, details)
    body = ToolResult(
        status=result.status,
        tool=result.tool,
        arguments=result.arguments,
        data=result.data,
        summary=result.summary,
        action_id=result.action_id,
        user_id=result.user_id,
    )
    status = 202 if result.status == "confirmation_needed" else 200
    return JSONResponse(body.model_dump(mode="json"), status_code=status)


@router.get("/tools", response_model=list[ToolInfo])
def list_tools(request: Request) -> list[dict[str, Any]]:
    """The tools the assistant uses, with JSON schemas generated from their signatures."""
    return tool_infos(state(request).engine.registry)


@router.post(
    "/sessions/{session_id}/tools/{name}",
    response_model=ToolResult,
    responses={202: {"model": ToolResult, "description": "A change awaiting confirmation."}},
)
def call(
    request: Request,
    session_id: SessionId,
    name: ToolName,
    arguments: Annotated[
        dict[str, Any],
        Body(
            description="The tool's arguments as a JSON object.",
            examples=[{"query": "blue t-shirt", "filters": {"max_price": 60}}],
        ),
    ],
) -> JSONResponse:
    """Call one tool for the session under the store policy.

    Sign-in tools authenticate the session; order and profile tools need that shopper and
    reach only their data; a WRITE tool answers 202 with the change's summary and runs only
    when `/confirm` is called.
    """
    existing_session(request, session_id)
    shop = state(request)
    token = shop.locks.acquire_or_409(session_id)
    try:
        return answer(call_tool(shop.engine, session_id, name, arguments))
    finally:
        shop.locks.release(session_id, token)


@router.get("/sessions/{session_id}/pending", response_model=PendingAction | None)
def get_pending(request: Request, session_id: SessionId) -> dict[str, Any] | None:
    """The change waiting for confirmation, or null."""
    return pending_action(state(request).engine, existing_session(request, session_id))


@router.post("/sessions/{session_id}/confirm", response_model=ToolResult)
def confirm_pending(
    request: Request, session_id: SessionId, body: ConfirmIn | None = None
) -> JSONResponse:
    """Run exactly the pending change, after the shopper said yes to its summary."""
    existing_session(request, session_id)
    shop = state(request)
    token = shop.locks.acquire_or_409(session_id)
    try:
        expected = body.action_id if body is not None else None
        return answer(confirm(shop.engine, session_id, expected))
    finally:
        shop.locks.release(session_id, token)
