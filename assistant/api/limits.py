"""Request body size limit as plain ASGI middleware (413 before the body reaches a route)."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_response

DEFAULT_MAX_BODY_BYTES = 64 * 1024


class BodySizeLimit:
    """Answer 413 to requests whose body is larger than `max_bytes`.

    The declared `Content-Length` is checked first; a body without one (chunked) is read up
    to the limit and replayed to the app.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared == -1:
            await _reply(scope, receive, send, 400, "invalid_request", "bad Content-Length header")
            return
        if declared is not None and declared > self.max_bytes:
            await self._too_large(scope, receive, send, declared)
            return
        if declared is not None:
            await self.app(scope, _counting(receive, self.max_bytes), send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self._too_large(scope, receive, send, None)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(
        self, scope: Scope, receive: Receive, send: Send, size: int | None
    ) -> None:
        got = f"{size} bytes" if size is not None else "more than that"
        await _reply(
            scope,
            receive,
            send,
            413,
            "request_too_large",
            f"request body too large: the limit is {self.max_bytes} bytes, got {got}",
        )


def _content_length(scope: Scope) -> int | None:
    """The declared body size, None when absent, -1 when malformed."""
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                size = int(value)
            except ValueError:
                return -1
            return size if size >= 0 else -1
    return None


def _counting(receive: Receive, limit: int) -> Receive:
    """A declared length can lie: stop reading past the limit."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise ValueError(f"request body exceeds {limit} bytes")
        return message

    return wrapped


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def wrapped() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later reads only wait for the disconnect

    return wrapped


async def _reply(
    scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str
) -> None:
    response: Any = error_response(status, code, message, headers={"Connection": "close"})
    await response(scope, receive, send)
