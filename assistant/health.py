"""Is the chat model reachable? Used by the API's `/health`, the UI banner and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class ModelHealth:
    """What a probe of the chat model found."""

    ok: bool
    url: str | None
    detail: str


def model_base_url(settings: Any) -> str:
    """The OpenAI API root the configured chat model is reached at."""
    if settings.llm_base_url:
        return str(settings.llm_base_url).rstrip("/")
    from assistant.llm.server import VllmServer

    return VllmServer(settings).base_url


def model_health(services: Any, timeout: float = 2.0) -> ModelHealth:
    """Probe the chat model behind `services` (an in-process model is always ready).

    vLLM answers `/health`; other OpenAI-compatible servers are asked for `/models`.
    """
    from assistant.llm.client import OpenAIChatModel

    if not isinstance(services.model, OpenAIChatModel):
        return ModelHealth(True, None, f"in-process model {type(services.model).__name__}")
    settings = services.settings
    base = model_base_url(settings)
    root = base.removesuffix("/v1")
    try:
        if httpx.get(f"{root}/health", timeout=timeout).status_code == 200:
            return ModelHealth(True, base, "model server is healthy")
        headers = {"Authorization": f"Bearer {settings.llm_api_key}"}
        response = httpx.get(f"{base}/models", headers=headers, timeout=timeout)
        if response.status_code == 200:
            return ModelHealth(True, base, "model server answers /models")
        return ModelHealth(False, base, f"model server answered HTTP {response.status_code}")
    except httpx.HTTPError as err:
        return ModelHealth(
            False, base, f"model server unreachable at {base} ({type(err).__name__})"
        )
