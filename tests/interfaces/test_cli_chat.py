"""The terminal chat loop on the real engine (scripted model), captured by a recording console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console

from assistant.cli.chat import chat_loop
from assistant.services import Services
from tests.interfaces.support import SHOPPER_A, SHOPPER_B, SUMMARY


def lines(*texts: str) -> Callable[[], str]:
    queue = list(texts)

    def read() -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return read


def test_chat_shows_trace_reply_and_tables(services: Services, store: Any) -> None:
    console = Console(record=True, width=160, color_system=None)
    sid = chat_loop(
        services.engine,
        console,
        lines(
            f"/signin {SHOPPER_A['email']}",
            "water bottle",
            f"where is order {SHOPPER_B['pending']}",
            f"/signin {SHOPPER_B['email']}",
            "/quit",
            "never read",
        ),
    )
    out = console.export_text()
    assert f"signed in as {SHOPPER_A['user_id']}" in out
    assert "→ search_products" in out and "← search_products: ok" in out
    assert SUMMARY in out and " · item " in out
    shown = [i for p in store.products() for i, v in p.variants.items() if i in out]
    assert shown and all(f"${store.variant(i).price:,.2f}" in out for i in shown)
    assert "← get_order_details: refused" in out
    assert "belongs to another shopper" in out
    assert store.load_session(sid).user_id == SHOPPER_A["user_id"]


def test_chat_ends_on_end_of_input(services: Services) -> None:
    console = Console(record=True, width=120, color_system=None)
    sid = chat_loop(services.engine, console, lines("/signin a b"), session_id="cli-fixed")
    assert sid == "cli-fixed" and "usage: /signin" in console.export_text()
