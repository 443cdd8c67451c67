"""The storefront API's app factory: `create_api(services)` builds it, uvicorn serves it."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request

from assistant.api import events, merchant, openai_compat, sessions, suggest, tools
from assistant.api.deps import ApiState, limit_rate
from assistant.api.errors import install_error_handlers
from assistant.api.limits import DEFAULT_MAX_BODY_BYTES, BodySizeLimit
from assistant.api.rate_limit import RateLimit
from assistant.api.schemas import Health
from assistant.health import model_health

DESCRIPTION = """\
The shop assistant for storefronts and other services.

* **Sessions** hold one conversation each: its signed-in shopper, any change waiting for
  confirmation, its cart and its history.
* **Messages** run one assistant turn: JSON, or server-sent events as the turn happens.
* **Tools** are the assistant's own typed tools, callable directly under the same store
  policy: sign-in authenticates the session, order tools reach only that shopper's data,
  and changes need `/confirm`.
* **Events** are what shoppers saw, clicked, put in the cart and bought on the storefront,
  for the click-through report (`shopassist report ctr`).
* **/v1/chat/completions** speaks the OpenAI format (model `shopassist`).

Errors always have the body `{"error": {"code", "message", "details"}}`.
"""


def create_api(
    services: Any,
    *,
    api_key: str | None = None,
    merchant_key: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    rate_limit: str | None = None,
) -> FastAPI:
    """Build the storefront API over `services` (not served).

    Args:
        services: The composition root (`assistant.services.Services`): its engine runs the
            turns and tool calls.
        api_key: When set, every `/v1` route needs it (`Authorization: Bearer <key>` or
            `X-API-Key`). Defaults to the settings' `api_key` field when there is one.
        merchant_key: The key of the `/v1/merchant` routes (off without one); defaults to
            the settings' `merchant_key`.
        max_body_bytes: Larger request bodies get 413.
        rate_limit: Requests a client may make ("120/minute"); defaults to the settings'
            `rate_limit`, none without one.
    """
    if api_key is None:
        api_key = services.settings.api_key
    if rate_limit is None:
        rate_limit = services.settings.rate_limit
    app = FastAPI(
        dependencies=[Depends(limit_rate)],
        title="shopassist storefront API",
        version="1",
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "sessions", "description": "Conversations and their messages."},
            {"name": "tools", "description": "Direct tool calls under the store policy."},
            {"name": "events", "description": "Shopper events for the click-through report."},
            {"name": "openai", "description": "OpenAI-compatible facade."},
            {"name": "merchant", "description": "Product copy drafts: write, list, approve."},
        ],
    )
    if merchant_key is None:
        merchant_key = services.settings.merchant_key
    app.state.shop = ApiState(
        services=services,
        api_key=api_key,
        merchant_key=merchant_key,
        rate_limit=RateLimit(rate_limit),
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.include_router(sessions.router)
    app.include_router(tools.router)
    app.include_router(events.router)
    app.include_router(openai_compat.router)
    app.include_router(merchant.router)
    app.include_router(suggest.router)

    @app.get("/health", response_model=Health, tags=["health"])
    def health(request: Request) -> dict[str, Any]:
        """Whether the API is up and its chat model is reachable (no API key needed)."""
        probe = model_health(request.app.state.shop.services)
        return {
            "status": "ok" if probe.ok else "degraded",
            "model": {"ok": probe.ok, "url": probe.url, "detail": probe.detail},
        }

    return app
