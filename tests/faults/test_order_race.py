"""Two sessions change the same pending order at the same moment: exactly one change wins,
the other is told the order is no longer pending, and the order, its items, its payment
history and the gift card balance are those of the winner alone.

Each side has its own `Store` (its own connections), as two API workers would; the
database's own locks decide (SQLite's `BEGIN IMMEDIATE`, PostgreSQL's `SELECT … FOR
UPDATE`). Many rounds, each from a fresh world, so both orders of arrival occur.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.store import Store
from assistant.store.models import SessionState
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError
from assistant.tools.retail import RETAIL_TOOLS
from tests.faults.conftest import Figures
from tests.scaleout.servers import Postgres
from tests.store.support import tiny_world

pytestmark = pytest.mark.faults

ROUNDS = 12
ORDER = "#W2"  # pending, one bottle (2000000001, 20.5) paid with gift_card_1 (balance 50.0)
CANCEL = ("cancel_pending_order", {"order_id": ORDER, "reason": "no longer needed"})
SWAP = (
    "modify_pending_order_items",
    {
        "order_id": ORDER,
        "item_ids": ["2000000001"],
        "new_item_ids": ["2000000002"],  # the 1000ml bottle, 30.25: 9.75 more
        "payment_method_id": "gift_card_1",
    },
)
# What the order looks like after each change alone (status, items, payments, balance).
AFTER = {
    "cancel_pending_order": (
        "cancelled",
        ["2000000001"],
        [("payment", 20.5, "gift_card_1"), ("refund", 20.5, "gift_card_1")],
        70.5,
    ),
    "modify_pending_order_items": (
        "pending (item modified)",
        ["2000000002"],
        [("payment", 20.5, "gift_card_1"), ("payment", 9.75, "gift_card_1")],
        40.25,
    ),
}

Change = tuple[str, dict[str, Any]]


def _call(store: Store, change: Change) -> Any:
    name, arguments = change
    ctx = ToolContext(store=store, session=SessionState(session_id=f"race-{name}"))
    return RETAIL_TOOLS.get(name).call(ctx, arguments)


def _race(stores: tuple[Store, Store], changes: tuple[Change, Change]) -> list[Any]:
    """Run both changes at once (each on its own store); each side's result or error."""
    barrier = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def side(n: int) -> None:
        barrier.wait()
        try:
            outcomes[n] = _call(stores[n], changes[n])
        except Exception as err:
            outcomes[n] = err

    threads = [threading.Thread(target=side, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a side of the race hangs"
    return outcomes


def _state(store: Store) -> tuple[str, list[str], list[tuple[str, float, str]], float]:
    order = store.order(ORDER)
    assert order is not None
    payments = [
        (str(p.transaction_type), p.amount, p.payment_method_id) for p in order.payment_history
    ]
    user = store.user("ada_lovelace_1")
    assert user is not None
    balance = user.payment_methods["gift_card_1"].balance  # type: ignore[union-attr]
    return str(order.status), [i.item_id for i in order.items], payments, float(balance or 0.0)


def _rounds(url: str, changes: tuple[Change, Change]) -> dict[str, int]:
    """`ROUNDS` races from a fresh world; asserts each; counts the winners by tool name."""
    stores = (Store(url), Store(url))
    setup = Store(url)
    setup.create_all()
    wins: dict[str, int] = {}
    try:
        for _ in range(ROUNDS):
            setup.load_tau2(tiny_world())
            outcomes = _race(stores, changes)
            won = [n for n, o in enumerate(outcomes) if not isinstance(o, Exception)]
            lost = [o for o in outcomes if isinstance(o, Exception)]
            assert len(won) == 1, f"exactly one change must win, got {outcomes}"
            assert len(lost) == 1 and isinstance(lost[0], ToolError), outcomes
            assert "non-pending order cannot be" in str(lost[0]).lower(), lost[0]
            winner = changes[won[0]][0]
            wins[winner] = wins.get(winner, 0) + 1
            assert _state(setup) == AFTER[winner], f"the store is not the {winner} alone"
    finally:
        for store in (*stores, setup):
            store.close()
    return wins


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


def _record(figures: Figures, where: str, what: str, wins: dict[str, int], seconds: float) -> None:
    summary = ", ".join(f"{name} {count}" for name, count in sorted(wins.items()))
    figures.add(
        f"same order changed twice at once ({where}, {what})",
        f"{ROUNDS} rounds: one winner each ({summary}), {seconds / ROUNDS * 1000:.0f} ms/round",
        "pass",
    )


@pytest.mark.parametrize(
    ("what", "changes"),
    [("cancel vs cancel", (CANCEL, CANCEL)), ("cancel vs swap", (CANCEL, SWAP))],
)
def test_one_change_wins_on_sqlite(
    sqlite_url: str, what: str, changes: tuple[Change, Change], figures: Figures
) -> None:
    started = time.perf_counter()
    wins = _rounds(sqlite_url, changes)
    _record(figures, "SQLite file", what, wins, time.perf_counter() - started)


@pytest.mark.server
@pytest.mark.parametrize(
    ("what", "changes"),
    [("cancel vs cancel", (CANCEL, CANCEL)), ("cancel vs swap", (CANCEL, SWAP))],
)
def test_one_change_wins_on_postgres(
    postgres: Postgres, what: str, changes: tuple[Change, Change], figures: Figures
) -> None:
    started = time.perf_counter()
    wins = _rounds(postgres.url, changes)
    _record(figures, "PostgreSQL", what, wins, time.perf_counter() - started)


# -- the same race through two API requests ---------------------------------------------------


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """The storefront API (in-process uvicorn) over a SQLite store holding the tiny world."""
    from assistant.api import create_api
    from tests.interfaces.support import shop_services, uvicorn_server

    data_dir = tmp_path / "shop"
    data_dir.mkdir()
    store = Store(f"sqlite:///{data_dir / 'store.sqlite'}")
    store.create_all()
    store.load_tau2(tiny_world())
    services = shop_services(data_dir)
    with uvicorn_server(create_api(services)) as url:
        yield url, store
    store.close()


def _pending_cancel(client: httpx.Client) -> str:
    """A session signed in as the tiny world's shopper with the cancel of #W2 pending."""
    sid = client.post("/v1/sessions").json()["session_id"]
    signed = client.post(
        f"/v1/sessions/{sid}/tools/find_user_id_by_email", json={"email": "ada@example.com"}
    )
    assert signed.status_code == 200, signed.text
    asked = client.post(f"/v1/sessions/{sid}/tools/{CANCEL[0]}", json=CANCEL[1])
    assert asked.status_code == 202, asked.text
    return sid


@pytest.mark.server
def test_two_api_confirms_of_one_cancel(api: tuple[str, Store], figures: Figures) -> None:
    url, store = api
    with httpx.Client(base_url=url, timeout=60) as client:
        sessions = [_pending_cancel(client), _pending_cancel(client)]
        barrier = threading.Barrier(2)
        answers: list[httpx.Response | None] = [None, None]

        def confirm(n: int) -> Callable[[], None]:
            def run() -> None:
                barrier.wait()
                answers[n] = client.post(f"/v1/sessions/{sessions[n]}/confirm")

            return run

        started = time.perf_counter()
        threads = [threading.Thread(target=confirm(n)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        seconds = time.perf_counter() - started
    assert all(a is not None for a in answers)
    codes = sorted(a.status_code for a in answers if a is not None)
    assert codes == [200, 400], [a.text for a in answers if a is not None]
    loser = next(a for a in answers if a is not None and a.status_code == 400).json()["error"]
    assert loser["code"] == "tool_error" and "pending" in loser["message"], loser
    assert _state(store) == AFTER["cancel_pending_order"]
    figures.add(
        "same order cancelled by two API requests at once",
        f"answers {codes}, loser: {loser['message']!r}, {seconds * 1000:.0f} ms",
        "pass",
    )
