"""The store's database goes down under a running storefront API (a real PostgreSQL server,
stopped and started again): every route that needs the store answers 503 `store_unavailable`
with a message saying so, fast, instead of a 500 with a stack trace; nothing was written
meanwhile, and once the database is back the same requests work (exactly once).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from assistant.api import create_api
from assistant.services import Services
from assistant.settings import Settings
from assistant.store import Store
from tests.faults.conftest import Figures
from tests.faults.support import port_answers, wait_for
from tests.interfaces.support import gradio_server, open_test_indexes, uvicorn_server
from tests.scaleout.servers import Postgres, _as_server_user, postgres_tools
from tests.store.support import tiny_world

pytestmark = [pytest.mark.faults, pytest.mark.server]

ORDER = "#W2"
CANCEL = {"order_id": ORDER, "reason": "no longer needed"}
ANSWER_BOUND = 5.0
"""Seconds within which a request must be told the store is unavailable."""


def _pg_ctl(pg: Postgres, action: str) -> None:
    """`pg_ctl stop` (fast: open connections are cut) or `start` on the suite's cluster."""
    tools = postgres_tools()
    assert tools is not None
    data = pg.log.parent / "data"
    port = make_url(pg.url).port
    if action == "stop":
        args = ["-m", "fast", "stop"]
    else:
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {pg.log.parent} -c fsync=off"
        args = ["-l", str(pg.log), "-o", options, "start"]
    command = [*_as_server_user(), tools["pg_ctl"], "-D", str(data), "-w", "-t", "60", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@contextmanager
def _services(postgres: Postgres, tmp_path: Path) -> Iterator[tuple[Services, Store]]:
    """Services over the tiny world on PostgreSQL, and a store of the test's own to check
    it; the database is running again at the end whatever the test did to it."""
    store = Store(postgres.url)
    store.create_all()
    store.load_tau2(tiny_world())
    settings = Settings(
        data_dir=tmp_path,
        database_url=postgres.url,
        llm_base_url="http://127.0.0.1:9/v1",
        offer_by_request=False,
    )
    services = Services(settings)
    services.indexes = open_test_indexes(tmp_path)
    port = make_url(postgres.url).port
    assert port is not None
    try:
        yield services, store
    finally:
        if not port_answers(port):
            _pg_ctl(postgres, "start")
        services.store.close()
        store.close()


@pytest.fixture
def shop(postgres: Postgres, tmp_path: Path) -> Iterator[tuple[str, Store, Postgres]]:
    """The API (in-process uvicorn) over the tiny world on PostgreSQL."""
    with (
        _services(postgres, tmp_path) as (services, store),
        uvicorn_server(create_api(services)) as url,
    ):
        yield url, store, postgres


def _unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "store_unavailable", error
    assert "store is unavailable" in error["message"], error
    assert "Traceback" not in response.text


def _order_state(store: Store) -> tuple[str, list[tuple[str, float]], float]:
    order = store.order(ORDER)
    user = store.user("ada_lovelace_1")
    assert order is not None and user is not None
    payments = [(str(p.transaction_type), p.amount) for p in order.payment_history]
    balance = user.payment_methods["gift_card_1"].balance  # type: ignore[union-attr]
    return str(order.status), payments, float(balance or 0.0)


def test_api_answers_503_while_the_database_is_down(
    shop: tuple[str, Store, Postgres], figures: Figures
) -> None:
    url, store, pg = shop
    with httpx.Client(base_url=url, timeout=60) as client:
        sid = client.post("/v1/sessions").json()["session_id"]
        signed = client.post(
            f"/v1/sessions/{sid}/tools/find_user_id_by_email", json={"email": "ada@example.com"}
        )
        assert signed.status_code == 200, signed.text
        asked = client.post(f"/v1/sessions/{sid}/tools/cancel_pending_order", json=CANCEL)
        assert asked.status_code == 202, asked.text
        before = _order_state(store)
        assert before[0] == "pending"

        _pg_ctl(pg, "stop")
        requests = {
            "confirm the cancel": lambda: client.post(f"/v1/sessions/{sid}/confirm"),
            "new session": lambda: client.post("/v1/sessions"),
            "chat message": lambda: client.post(
                f"/v1/sessions/{sid}/messages", json={"text": "where is my order?"}
            ),
            "read the session": lambda: client.get(f"/v1/sessions/{sid}"),
        }
        slowest = 0.0
        for what, send in requests.items():
            started = time.perf_counter()
            response = send()
            seconds = time.perf_counter() - started
            _unavailable(response)
            assert seconds < ANSWER_BOUND, f"{what}: {seconds:.1f}s"
            slowest = max(slowest, seconds)
        figures.add(
            "store database (PostgreSQL) stopped",
            f"{len(requests)} routes answered 503 store_unavailable",
            f"slowest {slowest * 1000:.0f} ms",
        )

        _pg_ctl(pg, "start")
        back = wait_for(
            "the API reaching the store again",
            lambda: client.get(f"/v1/sessions/{sid}").status_code == 200,
            30,
        )
        assert _order_state(store) == before, "something was written while the store was down"
        done = client.post(f"/v1/sessions/{sid}/confirm")
        assert done.status_code == 200, done.text
        assert _order_state(store) == (
            "cancelled",
            [("payment", 20.5), ("refund", 20.5)],
            70.5,
        )
        again = client.post(f"/v1/sessions/{sid}/confirm")
        assert again.status_code == 409, again.text  # ran once: nothing pending any more
    figures.add(
        "store database (PostgreSQL) stopped",
        "after restart: nothing written meanwhile; the change ran once",
        f"API served again {back:.1f}s after the database",
    )


def test_the_chat_ui_says_the_store_is_unavailable(
    postgres: Postgres, tmp_path: Path, figures: Figures
) -> None:
    from gradio_client import Client

    from assistant.ui.app import STORE_UNAVAILABLE

    with _services(postgres, tmp_path) as (services, store), gradio_server(services) as url:
        client = Client(url, verbose=False)
        assert client.predict("show me water bottles", "", api_name="/ask")  # warmed up
        before = _order_state(store)
        _pg_ctl(postgres, "stop")
        started = time.perf_counter()
        reply = client.predict(f"please cancel {ORDER}, no longer needed", "", api_name="/ask")
        seconds = time.perf_counter() - started
        assert reply == STORE_UNAVAILABLE
        assert seconds < ANSWER_BOUND, f"{seconds:.1f}s"
        _pg_ctl(postgres, "start")
        assert _order_state(store) == before
    figures.add(
        "store database (PostgreSQL) stopped",
        "the chat UI's reply",
        f"'the store is unavailable' in {seconds * 1000:.0f} ms",
    )
