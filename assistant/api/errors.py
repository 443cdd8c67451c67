"""One error body for every failure: `{"error": {"code", "message", "details"}}`.

OpenAI's clients read `error.message` from the same shape, so the chat completions facade
needs no second format.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.store.errors import StoreUnavailableError

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str = Field(description="Machine-readable error code, e.g. 'invalid_request'.")
    message: str = Field(description="What went wrong and where, for people.")
    details: Any = Field(default=None, description="Per-field problems or extra context.")


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class ApiError(Exception):
    """An error the API answers with `status` and a typed body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON error response in the one shape."""
    body = {"error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


def _code_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "http_error"


def _where(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc) or "(request)"


def _problem(error: Any) -> str:
    """One validation problem for people: where, then what."""
    loc = list(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        at = loc[-1] if loc and isinstance(loc[-1], int) else "?"
        reason = (error.get("ctx") or {}).get("error", "")
        return f"the body is not valid JSON (at character {at}{': ' + reason if reason else ''})"
    return f"{_where(loc)}: {error.get('msg', '')}"


def install_error_handlers(app: FastAPI) -> None:
    """Route every error (ours, HTTP, validation, unexpected) to the one body shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, err: ApiError) -> JSONResponse:
        return error_response(err.status, err.code, err.message, err.details, err.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, err: StarletteHTTPException) -> JSONResponse:
        if isinstance(err.__cause__, UnicodeDecodeError):
            # FastAPI reports any body it cannot decode as "error parsing the body".
            bad = err.__cause__
            return error_response(
                400,
                "invalid_request",
                f"the request body is not UTF-8: byte 0x{bad.object[bad.start]:02x} at offset "
                f"{bad.start}; send JSON encoded as UTF-8",
                [{"loc": ["body", bad.start], "msg": "not UTF-8", "type": "utf8_invalid"}],
            )
        message = err.detail if isinstance(err.detail, str) else HTTPStatus(err.status_code).phrase
        return error_response(
            err.status_code,
            _code_for(err.status_code),
            message,
            headers=dict(err.headers) if err.headers else None,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, err: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in err.errors()
        ]
        summary = "; ".join(_problem(e) for e in err.errors())
        return error_response(422, "invalid_request", f"invalid request: {summary}", details)

    @app.exception_handler(StoreUnavailableError)
    async def _store_unavailable(request: Request, err: StoreUnavailableError) -> JSONResponse:
        log.error("store unavailable on %s %s: %s", request.method, request.url.path, err)
        message = "the store is unavailable right now; nothing was changed, try again shortly"
        return error_response(503, "store_unavailable", message, headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; see the server log")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
    for status in (400, 401, 403, 404, 409, 413, 422, 503)
}
"""Declared on routes so the OpenAPI document shows the error body."""
