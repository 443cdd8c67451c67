"""Helpers of the interface tests: a scripted shop model, servers on loopback ports."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from assistant.engine.sources import need_words
from assistant.llm.scripted import ChatRequest, ScriptedModel, call
from assistant.llm.types import ChatResult
from assistant.services import Services
from assistant.settings import Settings
from tests.conftest import free_port
from tests.support import HashingEmbedder

# Two shoppers of the τ² retail world: A and B must never see each other's data.
SHOPPER_A = {
    "user_id": "raj_sanchez_2970",
    "email": "raj.sanchez2046@example.com",
    "pending": "#W4566809",
}
SHOPPER_C = {
    "user_id": "sofia_rossi_8776",
    "email": "sofia.rossi2645@example.com",
    "pending": "#W5918442",
}
"""A shopper only the direct-call tests change (the store is shared across the session)."""
SHOPPER_B = {
    "user_id": "sofia_li_9219",
    "email": "sofia.li7352@example.com",
    "pending": "#W8855135",
}
PRODUCTS = ("T-Shirt", "Water Bottle", "Running Shoes", "Backpack", "Desk Lamp")
SUMMARY = "Here is what I found in the store."


LISTING = json.dumps(
    {
        "title": "A store favourite",
        "short_description": "A dependable pick for every day.",
        "bullets": ["Easy to choose", "Ready for daily use", "A favourite of our shoppers"],
        "meta_description": "A dependable pick for every day, from our store.",
    }
)
"""What the script writes when asked for a product listing."""


class ShopScript:
    """A deterministic stand-in for the chat model, keyed on the shopper's words.

    "order #W…" reads that order, "cancel #W…" asks to cancel it, "policy" asks the FAQ,
    anything else searches the catalog; after a tool result it writes a short summary.
    `hold` makes the next turn wait until released (to test concurrent requests).
    """

    def __init__(self) -> None:
        self.hold = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, request: ChatRequest) -> ChatResult | str:
        last = request.messages[-1]
        if request.rules is not None and request.rules.reply_schema is not None:
            return LISTING
        if last["role"] == "tool":
            return SUMMARY
        text = str(last.get("content") or "")
        if "slow" in text:
            self.hold.set()
            self.release.wait(timeout=30)
        order = re.search(r"#W\d{7}", text)
        if "cancel" in text and order:
            return call("cancel_pending_order", order_id=order.group(), reason="no longer needed")
        if order:
            return call("get_order_details", order_id=order.group())
        if "policy" in text:
            return call("answer_faq", question=text)
        # The grammar holds a query to the shopper's words that say what is wanted.
        return call("search_products", query=" ".join(need_words(text)))


def open_test_indexes(data_dir: Path) -> tuple[Any, Any]:
    """The catalog and FAQ indexes of a test data dir: real Chroma (on disk) and bm25s, with
    the hashing embedder of the engine tests standing in for the sentence model (fast)."""
    from retrieval.chroma import make_client
    from retrieval.faq import FaqIndex
    from retrieval.search import CatalogIndex

    client = make_client(path=data_dir / "chroma")
    embedder = HashingEmbedder()
    return CatalogIndex(client, embedder, data_dir / "lexical"), FaqIndex(client, embedder)


def shop_services(data_dir: Path, script: Any = None) -> Services:
    """The real composition root over a test data dir; `script` drives a scripted model.

    The indexes embed with a hashing stand-in, on which no request detector can be trained, so
    every tool is offered and the model drives the tool calls (the planner has its own tests).
    """
    settings = Settings(
        data_dir=data_dir, llm_base_url="http://127.0.0.1:9/v1", offer_by_request=False
    )
    services = Services(settings)
    services.indexes = open_test_indexes(data_dir)  # replaces the lazily opened indexes
    if script is not None:
        services.model = ScriptedModel(script)
    return services


MERCHANT_KEY = "merchant-key-of-the-test-shop"


def merchant_services(services: Services, key: str = MERCHANT_KEY) -> Services:
    """The same shop (store, indexes and model shared) with the merchant's key set."""
    keyed = Services(services.settings.model_copy(update={"merchant_key": key}))
    keyed.store = services.store
    keyed.indexes = services.indexes
    keyed.model = services.model
    return keyed


def in_stock_items(store: Any) -> list[str]:
    """Item ids that can be bought now, in a stable order."""
    return sorted(
        item_id
        for product in store.products()
        for item_id, variant in product.variants.items()
        if variant.available
    )


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    """Poll `url` until it answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not come up in {timeout}s")


@contextmanager
def uvicorn_server(app: Any) -> Iterator[str]:
    """Serve an ASGI app with a real uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def gradio_server(services: Services) -> Iterator[str]:
    """The shop UI launched local-only on a free loopback port; yields its URL."""
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.ui.app import create_app

    app = create_app(services)
    port = free_port()
    app.queue().launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


def lantern_csv(path: Path, sku: str = "LANTERN-AMBER") -> Path:
    """A Shopify product export of one new product: the Storm Lantern in amber ($34.00, SKU
    `sku`) and forest ($36.50, `LANTERN-FOREST`), five of each in stock."""
    from tests.retrieval.retrieval_support import SHOPIFY_HEADER, write_csv

    rows = []
    for n, (colour, price) in enumerate([("amber", "34.00"), ("forest", "36.50")]):
        row = dict.fromkeys(SHOPIFY_HEADER, "")
        row.update(
            {
                "Handle": "storm-lantern",
                "Option1 Value": colour,
                "Variant SKU": sku if n == 0 else f"LANTERN-{colour.upper()}",
                "Variant Inventory Qty": "5",
                "Variant Inventory Policy": "deny",
                "Variant Price": price,
            }
        )
        if n == 0:
            row.update(
                {
                    "Title": "Storm Lantern",
                    "Body (HTML)": "<p>A windproof camping lantern.</p>",
                    "Vendor": "Harbour",
                    "Type": "Lantern",
                    "Option1 Name": "Color",
                    "Status": "active",
                }
            )
        rows.append(row)
    write_csv(path, rows)
    return path
