"""The model server down before a turn (nothing listens on its port): the real OpenAI client
is refused, and the shopper gets the model-unavailable reply within seconds, not after the
request timeout (the crash mid-turn, on real vLLM, is in `test_model_server.py`)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from assistant.api import create_api
from assistant.engine.dialogue import MODEL_UNAVAILABLE
from assistant.llm.client import OpenAIChatModel
from tests.faults.conftest import Figures
from tests.interfaces.support import shop_services, uvicorn_server

pytestmark = [pytest.mark.faults, pytest.mark.server]


def test_turn_with_the_model_server_down(tmp_path: Path, figures: Figures) -> None:
    services = shop_services(tmp_path)  # its model URL is a closed loopback port
    assert isinstance(services.model, OpenAIChatModel)
    with (
        uvicorn_server(create_api(services)) as url,
        httpx.Client(base_url=url, timeout=300) as client,
    ):
        sid = client.post("/v1/sessions").json()["session_id"]
        started = time.perf_counter()
        response = client.post(f"/v1/sessions/{sid}/messages", json={"text": "hello there"})
        seconds = time.perf_counter() - started
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["reply"] == MODEL_UNAVAILABLE, body
        assert body["errors"] == [
            "LLMUnavailableError: model server unreachable: Connection error."
        ]
        health = client.get("/health").json()
        assert health["status"] == "degraded" and not health["model"]["ok"], health
    assert seconds < 5.0, f"the shopper waited {seconds:.1f}s"
    figures.add(
        "model server down (port closed)", "time to the shopper's message", f"{seconds:.2f}s"
    )
