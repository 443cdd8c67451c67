"""Scale-out for real: two API processes over one PostgreSQL store and one Chroma server.

A session started on one replica continues on the other, a catalog import reaches both, and
concurrent changes to one order through both replicas leave exactly one of them applied.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.store.models import Order
from tests.interfaces.support import lantern_csv
from tests.scaleout.conftest import Cluster
from tests.scaleout.servers import shopassist

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture
def clients(cluster: Cluster) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    with (
        httpx.Client(base_url=cluster.a, timeout=60) as a,
        httpx.Client(base_url=cluster.b, timeout=60) as b,
    ):
        yield a, b


def new_session(client: httpx.Client) -> str:
    response = client.post("/v1/sessions")
    assert response.status_code == 201, response.text
    return str(response.json()["session_id"])


def tool(client: httpx.Client, sid: str, name: str, **arguments: Any) -> httpx.Response:
    return client.post(f"/v1/sessions/{sid}/tools/{name}", json=arguments)


def sign_in(client: httpx.Client, sid: str, email: str) -> str:
    response = tool(client, sid, "find_user_id_by_email", email=email)
    assert response.status_code == 200, response.text
    return str(response.json()["user_id"])


def shoppers_with_pending_orders(cluster: Cluster, count: int) -> list[tuple[str, list[Order]]]:
    """Users (email) with at least `count` pending orders, in the store's user order."""
    found = []
    for user_id in cluster.store.user_ids():
        pending = [o for o in cluster.store.user_orders(user_id) if o.status == "pending"]
        if len(pending) >= count:
            user = cluster.store.user(user_id)
            assert user is not None
            found.append((user.email, pending))
    return found


def swap_for(cluster: Cluster, order: Order) -> tuple[str, str] | None:
    """An item of the order and another available variant of its product, or None."""
    for item in order.items:
        product = cluster.store.product(item.product_id)
        assert product is not None
        for variant in product.variants.values():
            if variant.item_id != item.item_id and variant.available:
                return item.item_id, variant.item_id
    return None


def test_both_replicas_are_up_on_the_servers(cluster: Cluster, clients: Any) -> None:
    for client in clients:
        health = client.get("/health")
        assert health.status_code == 200
        # No chat model is served: the API says so and still answers everything else.
        assert health.json()["model"]["ok"] is False
    assert cluster.store.engine.dialect.name == "postgresql"
    assert len(cluster.store.user_ids()) > 100 and len(cluster.store.products()) > 10
    print(f"\nstart-up: {', '.join(f'{k} {v:.1f}s' for k, v in cluster.timings.items())}")


def test_a_session_started_on_one_replica_continues_on_the_other(
    cluster: Cluster, clients: tuple[httpx.Client, httpx.Client]
) -> None:
    a, b = clients
    (email, orders), *_ = shoppers_with_pending_orders(cluster, 1)
    sid = new_session(a)
    user_id = sign_in(a, sid, email)

    # B reads the session, its shopper and the shopper's own data from the store.
    info = b.get(f"/v1/sessions/{sid}")
    assert info.status_code == 200 and info.json()["user_id"] == user_id
    details = tool(b, sid, "get_user_details", user_id=user_id)
    assert details.status_code == 200, details.text
    assert details.json()["data"]["email"] == email

    # A cancellation proposed on A waits in the store; B sees it and runs it on confirm.
    order_id = orders[0].order_id
    proposed = tool(a, sid, "cancel_pending_order", order_id=order_id, reason="no longer needed")
    assert proposed.status_code == 202, proposed.text
    action = proposed.json()["action_id"]
    pending = b.get(f"/v1/sessions/{sid}/pending")
    assert pending.status_code == 200 and pending.json()["action_id"] == action
    assert cluster.store.order(order_id).status == "pending"  # type: ignore[union-attr]
    done = b.post(f"/v1/sessions/{sid}/confirm", json={"action_id": action})
    assert done.status_code == 200, done.text
    assert done.json()["data"]["status"] == "cancelled"
    assert cluster.store.order(order_id).status == "cancelled"  # type: ignore[union-attr]
    # And A, asked next, sees the change B made and nothing left to confirm.
    seen = tool(a, sid, "get_order_details", order_id=order_id)
    assert seen.status_code == 200 and seen.json()["data"]["status"] == "cancelled"
    again = a.post(f"/v1/sessions/{sid}/confirm")
    assert again.status_code == 409 and again.json()["error"]["code"] == "nothing_pending"


def test_a_catalog_import_reaches_both_replicas(
    cluster: Cluster, clients: tuple[httpx.Client, httpx.Client], tmp_path: Path
) -> None:
    sessions = [(client, new_session(client)) for client in clients]
    for client, sid in sessions:
        before = tool(client, sid, "search_products", query="storm lantern")
        assert before.status_code == 200, before.text
        found = {hit["product_id"] for hit in before.json()["data"]["results"]}
        assert "storm-lantern" not in found

    # The merchant's import runs as its own process against the same servers and data dir.
    out = shopassist(["import", "catalog", str(lantern_csv(tmp_path / "lantern.csv"))], cluster.env)
    assert "store: added 1" in out, out

    for client, sid in sessions:
        after = tool(client, sid, "search_products", query="storm lantern")
        assert after.status_code == 200, after.text
        hits = after.json()["data"]["results"]
        assert hits and hits[0]["product_id"] == "storm-lantern", (client.base_url, hits)
        added = tool(client, sid, "add_to_cart", item_id="LANTERN-FOREST")
        assert added.status_code == 200, added.text
        assert [i["item_id"] for i in added.json()["data"]["items"]] == ["LANTERN-FOREST"]
    assert cluster.store.product("storm-lantern") is not None


def _confirm_together(calls: list[tuple[httpx.Client, str, str]]) -> list[httpx.Response]:
    """POST every confirmation at the same moment, one thread each."""
    barrier = threading.Barrier(len(calls))
    responses: list[httpx.Response | None] = [None] * len(calls)

    def run(slot: int, client: httpx.Client, sid: str, action: str) -> None:
        barrier.wait()
        responses[slot] = client.post(f"/v1/sessions/{sid}/confirm", json={"action_id": action})

    threads = [threading.Thread(target=run, args=(slot, *call)) for slot, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in responses), "a confirmation did not return"
    return [r for r in responses if r is not None]


def test_concurrent_changes_to_one_order_through_both_replicas(
    cluster: Cluster, clients: tuple[httpx.Client, httpx.Client]
) -> None:
    a, b = clients
    rounds = 0
    # Shoppers after the first: the session test above cancels the first one's order.
    for email, orders in shoppers_with_pending_orders(cluster, 1)[1:]:
        order = orders[0]
        swap = swap_for(cluster, order)
        if swap is None:
            continue
        before = cluster.store.order(order.order_id)
        assert before is not None and before.status == "pending"
        payment = before.payment_history[0].payment_method_id
        # Two browser tabs of the same shopper, each on another replica.
        on_a, on_b = new_session(a), new_session(b)
        sign_in(a, on_a, email)
        sign_in(b, on_b, email)
        cancel = tool(
            a, on_a, "cancel_pending_order", order_id=order.order_id, reason="ordered by mistake"
        )
        exchange = {"item_ids": [swap[0]], "new_item_ids": [swap[1]], "payment_method_id": payment}
        change = tool(b, on_b, "modify_pending_order_items", order_id=order.order_id, **exchange)
        assert cancel.status_code == change.status_code == 202, (cancel.text, change.text)
        done_a, done_b = _confirm_together(
            [(a, on_a, cancel.json()["action_id"]), (b, on_b, change.json()["action_id"])]
        )
        statuses = sorted([done_a.status_code, done_b.status_code])
        assert statuses == [200, 400], (done_a.text, done_b.text)
        failed = done_a if done_a.status_code == 400 else done_b
        error = failed.json()["error"]
        assert error["code"] == "tool_error" and "Non-pending order" in error["message"], error

        after = cluster.store.order(order.order_id)
        assert after is not None
        new_payments = after.payment_history[len(before.payment_history) :]
        if done_a.status_code == 200:  # the cancellation won: the items are as ordered
            assert after.status == "cancelled"
            assert [i.item_id for i in after.items] == [i.item_id for i in before.items]
            assert new_payments and all(p.transaction_type == "refund" for p in new_payments)
            assert done_a.json()["data"]["status"] == "cancelled"
        else:  # the exchange won: one item swapped, one price difference settled, not cancelled
            assert after.status == "pending (item modified)"
            assert swap[1] in [i.item_id for i in after.items]
            assert len(new_payments) == 1
        rounds += 1
        if rounds == 3:
            break
    assert rounds == 3


def test_one_pending_change_confirmed_on_both_replicas_at_once_runs_once(
    cluster: Cluster, clients: tuple[httpx.Client, httpx.Client]
) -> None:
    a, b = clients
    rounds = 0
    for email, orders in reversed(shoppers_with_pending_orders(cluster, 1)):
        order = orders[-1]
        if cluster.store.order(order.order_id).status != "pending":  # type: ignore[union-attr]
            continue
        before = cluster.store.user(cluster.store.order(order.order_id).user_id)  # type: ignore[union-attr]
        assert before is not None
        sid = new_session(a)
        sign_in(a, sid, email)
        address = {"address1": f"{10 + rounds} Harbour Road", "address2": "", "city": "Portland",
                   "state": "ME", "country": "USA", "zip": "04101"}  # fmt: skip
        proposed = tool(a, sid, "modify_pending_order_address", order_id=order.order_id, **address)
        assert proposed.status_code == 202, proposed.text
        action = proposed.json()["action_id"]
        # A double submit that lands on both replicas: the change runs once.
        first, second = _confirm_together([(a, sid, action), (b, sid, action)])
        codes = sorted([first.status_code, second.status_code])
        assert codes == [200, 409], (first.text, second.text)
        lost = first if first.status_code == 409 else second
        assert lost.json()["error"]["code"] == "nothing_pending", lost.text
        after = cluster.store.order(order.order_id)
        assert after is not None and after.address.address1 == address["address1"]
        rounds += 1
        if rounds == 3:
            break
    assert rounds == 3
