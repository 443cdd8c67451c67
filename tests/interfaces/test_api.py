"""The storefront API under a real uvicorn server on loopback, over the real store and index.

Dialogue turns use the scripted model (deterministic); everything else is real.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from assistant.api import create_api
from assistant.services import Services
from tests.interfaces.support import (
    SHOPPER_A,
    SHOPPER_B,
    SUMMARY,
    ShopScript,
    uvicorn_server,
)

pytestmark = pytest.mark.server


@pytest.fixture
def client(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as http:
        yield http


def new_session(client: httpx.Client) -> str:
    response = client.post("/v1/sessions")
    assert response.status_code == 201, response.text
    return response.json()["session_id"]


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"} and error["code"] == code, error
    assert error["message"]
    return error


def sign_in(client: httpx.Client, sid: str, shopper: dict[str, str]) -> None:
    response = client.post(
        f"/v1/sessions/{sid}/tools/find_user_id_by_email", json={"email": shopper["email"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["user_id"] == shopper["user_id"]


def sse_events(text: str) -> list[tuple[str, Any]]:
    events = []
    for frame in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in frame.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_health_and_openapi(client: httpx.Client) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["model"]["ok"]
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/sessions",
        "/v1/sessions/{session_id}/messages",
        "/v1/sessions/{session_id}/messages/stream",
        "/v1/tools",
        "/v1/sessions/{session_id}/tools/{name}",
        "/v1/sessions/{session_id}/confirm",
        "/v1/events",
        "/v1/suggest",
        "/v1/chat/completions",
    ):
        assert path in paths, path
    assert client.get("/docs").status_code == 200


def test_suggestions_complete_what_was_typed(client: httpx.Client) -> None:
    # The test shop's catalog holds T-Shirts, Water Bottles, Running Shoes, Backpacks, Lamps.
    typed = client.get("/v1/suggest", params={"q": "wat"}).json()
    assert typed["q"] == "wat" and typed["suggestions"][0] == "water bottle"
    assert all(s.startswith("wat") for s in typed["suggestions"])
    after = client.get("/v1/suggest", params={"q": "red wat", "limit": 2}).json()["suggestions"]
    assert after and len(after) <= 2 and all(s.startswith("red wat") for s in after)
    assert_error(client.get("/v1/suggest", params={"q": ""}), 422, "invalid_request")


def test_session_lifecycle(client: httpx.Client) -> None:
    sid = new_session(client)
    info = client.get(f"/v1/sessions/{sid}").json()
    assert info == {"session_id": sid, "user_id": None, "pending_action": None, "turns": 0}
    assert client.delete(f"/v1/sessions/{sid}").status_code == 204
    assert_error(client.get(f"/v1/sessions/{sid}"), 404, "session_not_found")
    assert_error(client.delete(f"/v1/sessions/{sid}"), 404, "session_not_found")
    error = assert_error(client.get("/v1/sessions/bad%20id!"), 422, "invalid_request")
    assert error["details"][0]["loc"] == ["path", "session_id"]
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    assert_error(client.put("/v1/sessions"), 405, "method_not_allowed")


def test_message_turn_returns_reply_events_and_cards(client: httpx.Client, store: Any) -> None:
    sid = new_session(client)
    response = client.post(f"/v1/sessions/{sid}/messages", json={"text": "a t-shirt please"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reply"] == SUMMARY and body["source"] == "model" and body["errors"] == []
    assert [e["kind"] for e in body["events"]] == ["tool_call", "tool_result", "reply"]
    hits = body["events"][1]["data"]["results"]
    assert hits
    for hit in hits:  # the cards show the store's own ids and prices
        assert store.variant(hit["item_id"]).price == hit["price"]
        assert f"item {hit['item_id']}" in body["cards"]
        assert f"${hit['price']:,.2f}" in body["cards"]
    assert client.get(f"/v1/sessions/{sid}").json()["turns"] == 1


def test_message_validation(client: httpx.Client) -> None:
    sid = new_session(client)
    url = f"/v1/sessions/{sid}/messages"
    error = assert_error(client.post(url, json={"text": ""}), 422, "invalid_request")
    assert error["details"][0]["loc"] == ["body", "text"]
    assert_error(client.post(url, json={}), 422, "invalid_request")
    assert_error(client.post(url, json={"text": "hi", "extra": 1}), 422, "invalid_request")
    assert_error(client.post(url, json={"text": "x" * 4001}), 422, "invalid_request")
    bad_json = client.post(url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(bad_json, 422, "invalid_request")
    assert_error(
        client.post("/v1/sessions/nope/messages", json={"text": "hi"}), 404, "session_not_found"
    )


def test_message_stream_sends_events_as_they_happen(client: httpx.Client) -> None:
    sid = new_session(client)
    with client.stream(
        "POST", f"/v1/sessions/{sid}/messages/stream", json={"text": "a desk lamp"}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = response.read().decode()
    events = sse_events(text)
    assert [kind for kind, _ in events] == ["tool_call", "tool_result", "reply", "done"]
    assert events[0][1]["name"] == "search_products"
    assert events[2][1]["text"] == SUMMARY
    assert "item " in events[3][1]["cards"]
    missing = client.post("/v1/sessions/nope/messages/stream", json={"text": "hi"})
    assert_error(missing, 404, "session_not_found")


def test_tools_are_listed_with_generated_schemas(client: httpx.Client, services: Services) -> None:
    tools = client.get("/v1/tools").json()
    assert [t["name"] for t in tools] == services.registry.names()
    by_name = {t["name"]: t for t in tools}
    assert by_name["search_products"]["kind"] == "read"
    assert by_name["cancel_pending_order"] == {
        **by_name["cancel_pending_order"],
        "kind": "change",
        "needs_auth": True,
        "owner": "order_id",
    }
    schema = by_name["search_products"]["parameters"]
    assert schema["type"] == "object" and schema["required"] == ["query"]


def test_direct_tool_calls_and_their_errors(client: httpx.Client, store: Any) -> None:
    sid = new_session(client)
    url = f"/v1/sessions/{sid}/tools"
    found = client.post(f"{url}/search_products", json={"query": "water bottle"})
    assert found.status_code == 200 and found.json()["status"] == "ok"
    for hit in found.json()["data"]["results"]:
        assert store.variant(hit["item_id"]).price == hit["price"]
    bad = client.post(f"{url}/search_products", json={"query": "x", "filters": {"max_price": -5}})
    error = assert_error(bad, 422, "invalid_arguments")
    assert error["details"][0]["loc"] == ["filters", "max_price"]
    assert_error(client.post(f"{url}/search_products", json=[1, 2]), 422, "invalid_request")
    assert_error(client.post(f"{url}/no_such_tool", json={}), 404, "unknown_tool")
    missing = client.post(f"{url}/get_product", json={"product_id": "0000000000"})
    assert "no product" in assert_error(missing, 400, "tool_error")["message"]
    order = {"order_id": SHOPPER_A["pending"]}
    assert_error(client.post(f"{url}/get_order_details", json=order), 403, "refused")
    sign_in(client, sid, SHOPPER_A)
    own = client.post(f"{url}/get_order_details", json=order)
    assert own.status_code == 200 and own.json()["data"]["user_id"] == SHOPPER_A["user_id"]
    other = client.post(f"{url}/get_order_details", json={"order_id": SHOPPER_B["pending"]})
    assert assert_error(other, 403, "refused")["details"] is None
    switch = client.post(f"{url}/find_user_id_by_email", json={"email": SHOPPER_B["email"]})
    assert SHOPPER_B["user_id"] not in assert_error(switch, 403, "refused")["message"]
    assert client.get(f"/v1/sessions/{sid}").json()["user_id"] == SHOPPER_A["user_id"]


def test_write_tool_waits_for_confirmation(client: httpx.Client, store: Any) -> None:
    sid = new_session(client)
    sign_in(client, sid, SHOPPER_A)
    user = SHOPPER_A["user_id"]
    before = store.user(user).address
    address = {
        "user_id": user,
        "address1": "1 Harbour Road",
        "address2": "",
        "city": "Portland",
        "state": "ME",
        "country": "USA",
        "zip": "04101",
    }
    url = f"/v1/sessions/{sid}/tools/modify_user_address"
    asked = client.post(url, json=address)
    assert asked.status_code == 202
    action = asked.json()
    assert action["status"] == "confirmation_needed" and "04101" in action["summary"]
    assert store.user(user).address == before
    pending = client.get(f"/v1/sessions/{sid}/pending").json()
    assert pending["action_id"] == action["action_id"] and pending["summary"] == action["summary"]
    wrong = client.post(f"/v1/sessions/{sid}/confirm", json={"action_id": "0" * 16})
    assert_error(wrong, 409, "action_mismatch")
    assert store.user(user).address == before
    done = client.post(f"/v1/sessions/{sid}/confirm", json={"action_id": action["action_id"]})
    assert done.status_code == 200, done.text
    assert store.user(user).address.zip == "04101"
    assert_error(client.post(f"/v1/sessions/{sid}/confirm"), 409, "nothing_pending")


def test_cancel_order_through_chat_then_confirm(client: httpx.Client, store: Any) -> None:
    sid = new_session(client)
    sign_in(client, sid, SHOPPER_A)
    order = SHOPPER_A["pending"]
    asked = client.post(f"/v1/sessions/{sid}/messages", json={"text": f"cancel {order}"}).json()
    assert asked["source"] == "confirmation" and asked["pending_action"]["name"] == (
        "cancel_pending_order"
    )
    assert store.order(order).status == "pending"
    done = client.post(
        f"/v1/sessions/{sid}/confirm", json={"action_id": asked["pending_action"]["action_id"]}
    )
    assert done.status_code == 200 and done.json()["data"]["status"] == "cancelled"
    assert store.order(order).status == "cancelled"


def test_request_body_limit(client: httpx.Client) -> None:
    sid = new_session(client)
    url = f"/v1/sessions/{sid}/tools/search_products"
    big = {"query": "x" * (20 * 1024)}
    assert_error(client.post(url, json=big), 413, "request_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit still holds
        yield b'{"query": "'
        for _ in range(40):
            yield b"y" * 1024
        yield b'"}'

    chunked = client.post(url, content=chunks(), headers={"Content-Type": "application/json"})
    assert_error(chunked, 413, "request_too_large")
    assert client.post(url, json={"query": "lamp"}).status_code == 200


def test_busy_session_answers_409(client: httpx.Client, script: ShopScript) -> None:
    sid = new_session(client)
    script.hold.clear()
    script.release.clear()
    try:
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(
                client.post, f"/v1/sessions/{sid}/messages", json={"text": "slow lamp"}
            )
            assert script.hold.wait(10)
            busy = client.post(f"/v1/sessions/{sid}/messages", json={"text": "hi"})
            assert_error(busy, 409, "session_busy")
            assert_error(client.post(f"/v1/sessions/{sid}/confirm"), 409, "session_busy")
            script.release.set()
            assert slow.result(30).status_code == 200
    finally:
        script.release.set()
    assert client.post(f"/v1/sessions/{sid}/messages", json={"text": "lamp"}).status_code == 200


def test_parallel_sessions_never_see_each_others_data(api_url: str) -> None:
    shoppers = [SHOPPER_A, SHOPPER_B]
    start = threading.Barrier(2)

    def conversation(index: int) -> str:
        me, other = shoppers[index], shoppers[1 - index]
        seen = []
        with httpx.Client(base_url=api_url, timeout=60) as http:
            sid = new_session(http)
            sign_in(http, sid, me)
            start.wait()  # both shoppers talk at the same time from here on
            tools = f"/v1/sessions/{sid}/tools/get_user_details"
            for _ in range(3):
                mine = http.post(tools, json={"user_id": me["user_id"]})
                assert mine.json()["data"]["email"] == me["email"]
                theirs = http.post(tools, json={"user_id": other["user_id"]})
                assert theirs.status_code == 403
                ask = {"text": f"where is order {other['pending']}"}
                refused = http.post(f"/v1/sessions/{sid}/messages", json=ask).json()
                assert refused["events"][1]["refused"] and refused["events"][1]["data"] is None
                ask = {"text": f"where is order {me['pending']}"}
                own = http.post(f"/v1/sessions/{sid}/messages", json=ask).json()
                assert own["events"][1]["data"]["user_id"] == me["user_id"]
                seen += [mine.text, theirs.text, json.dumps(refused), json.dumps(own)]
        return "\n".join(seen)

    with ThreadPoolExecutor(2) as pool:
        transcripts = list(pool.map(conversation, [0, 1]))
    for index, transcript in enumerate(transcripts):
        other = shoppers[1 - index]
        assert other["user_id"] not in transcript and other["email"] not in transcript


def test_api_key_is_required_when_configured(services: Services) -> None:
    with uvicorn_server(create_api(services, api_key="s3cret")) as url:
        assert httpx.get(f"{url}/health").status_code == 200
        assert_error(httpx.post(f"{url}/v1/sessions"), 401, "missing_api_key")
        wrong = httpx.post(f"{url}/v1/sessions", headers={"Authorization": "Bearer nope"})
        assert_error(wrong, 401, "invalid_api_key")
        bearer = httpx.post(f"{url}/v1/sessions", headers={"Authorization": "Bearer s3cret"})
        assert bearer.status_code == 201
        header = httpx.get(f"{url}/v1/tools", headers={"X-API-Key": "s3cret"})
        assert header.status_code == 200
