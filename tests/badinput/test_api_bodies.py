"""Bad request bodies and unknown ids through the storefront API and its OpenAI facade:
each gets a 4xx whose message says what was wrong and which field (or byte), never a 500,
and nothing stored changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.services import Services
from tests.badinput.counts import counts
from tests.badinput.figures import record
from tests.engine.engine_support import state_hash
from tests.interfaces.support import SHOPPER_A

pytestmark = pytest.mark.badinput

MAX_BODY = 16 * 1024
JSON = {"content-type": "application/json"}
CHAT = "/v1/chat/completions"


@pytest.fixture(scope="module")
def client(shop: Services) -> Iterator[TestClient]:
    from assistant.api import create_api

    with TestClient(create_api(shop, max_body_bytes=MAX_BODY), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def sid(client: TestClient) -> str:
    session = client.post("/v1/sessions").json()["session_id"]
    signed = client.post(
        f"/v1/sessions/{session}/tools/find_user_id_by_email", json={"email": SHOPPER_A["email"]}
    )
    assert signed.status_code == 200, signed.text
    return str(session)


def _chat(content: Any) -> dict[str, Any]:
    return {"model": "shopassist", "messages": [{"role": "user", "content": content}]}


# case, method, path ({sid} filled in), request keywords, status, code, words of the message
CASES: list[tuple[str, str, str, dict[str, Any], int, str, str]] = [
    ("invalid UTF-8", "post", "/v1/sessions/{sid}/messages",
     {"content": b'{"text": "caf\xe9"}', "headers": JSON}, 400, "invalid_request",
     "the request body is not UTF-8: byte 0xe9 at offset 13"),
    ("not JSON", "post", "/v1/sessions/{sid}/messages",
     {"content": b"hello there", "headers": JSON}, 422, "invalid_request",
     "the body is not valid JSON (at character 0: Expecting value)"),
    ("truncated JSON", "post", "/v1/sessions/{sid}/messages",
     {"content": b'{"text": "hi"', "headers": JSON}, 422, "invalid_request",
     "the body is not valid JSON (at character 13"),
    ("JSON list", "post", "/v1/sessions/{sid}/messages", {"json": ["hi"]}, 422,
     "invalid_request", "body: Input should be a valid dictionary"),
    ("empty message", "post", "/v1/sessions/{sid}/messages", {"json": {"text": ""}}, 422,
     "invalid_request", "body.text: String should have at least 1 character"),
    ("oversize message", "post", "/v1/sessions/{sid}/messages", {"json": {"text": "x" * 4001}},
     422, "invalid_request", "body.text: String should have at most 4000 characters"),
    ("oversize body", "post", "/v1/sessions/{sid}/messages",
     {"json": {"text": "x" * (MAX_BODY + 1)}}, 413, "request_too_large",
     f"request body too large: the limit is {MAX_BODY} bytes"),
    ("number as text", "post", "/v1/sessions/{sid}/messages", {"json": {"text": 5}}, 422,
     "invalid_request", "body.text: Input should be a valid string"),
    ("unknown field", "post", "/v1/sessions/{sid}/messages",
     {"json": {"text": "hi", "txet": "hi"}}, 422, "invalid_request",
     "body.txet: Extra inputs are not permitted"),
    ("unknown session", "post", "/v1/sessions/no-such-session/messages", {"json": {"text": "hi"}},
     404, "session_not_found", "no session no-such-session"),
    ("unknown product", "post", "/v1/sessions/{sid}/tools/get_product_details",
     {"json": {"product_id": "9999999999"}}, 400, "tool_error",
     "get_product_details(product_id='9999999999'): Product not found"),
    ("unknown order", "post", "/v1/sessions/{sid}/tools/get_order_details",
     {"json": {"order_id": "#W0000000"}}, 403, "refused",
     "no such order is available for the authenticated shopper"),
    ("unknown user", "post", "/v1/sessions/{sid}/tools/find_user_id_by_email",
     {"json": {"email": "ghost.shopper@example.com"}}, 400, "tool_error",
     "find_user_id_by_email(email='ghost.shopper@example.com'): User not found"),
    ("wrong argument type", "post", "/v1/sessions/{sid}/tools/get_product_details",
     {"json": {"product_id": 5}}, 422, "invalid_arguments",
     "invalid arguments for get_product_details: product_id: Input should be a valid string"),
    ("missing argument", "post", "/v1/sessions/{sid}/tools/get_order_details", {"json": {}},
     422, "invalid_arguments", "invalid arguments for get_order_details: order_id: Field required"),
    ("invalid UTF-8 arguments", "post", "/v1/sessions/{sid}/tools/get_product_details",
     {"content": b'{"product_id": "\xff"}', "headers": JSON}, 400, "invalid_request",
     "the request body is not UTF-8: byte 0xff at offset 16"),
    ("unknown tool", "post", "/v1/sessions/{sid}/tools/drop_tables", {"json": {}}, 404,
     "unknown_tool", "unknown tool 'drop_tables'"),
    ("unknown vouched user", "post", "/v1/sessions", {"json": {"token": "not-a-token"}}, 403,
     "tokens_off", "shopper tokens need SHOPASSIST_IDENTITY_SECRET"),
    ("invalid UTF-8 (OpenAI)", "post", CHAT,
     {"content": b'{"model": "shopassist", "messages": [{"role": "user", "content": "\xc3("}]}',
      "headers": JSON}, 400, "invalid_request", "the request body is not UTF-8: byte 0xc3"),
    ("not JSON (OpenAI)", "post", CHAT, {"content": b"model=shopassist", "headers": JSON}, 422,
     "invalid_request", "the body is not valid JSON (at character 0"),
    ("messages not a list (OpenAI)", "post", CHAT,
     {"json": {"model": "shopassist", "messages": "hi"}}, 422, "invalid_request",
     "body.messages: Input should be a valid list"),
    ("no messages (OpenAI)", "post", CHAT, {"json": {"model": "shopassist", "messages": []}},
     422, "invalid_request", "body.messages: List should have at least 1 item"),
    ("empty message (OpenAI)", "post", CHAT, {"json": _chat("  ")}, 400, "invalid_request",
     "the last user message has no text"),
    ("oversize message (OpenAI)", "post", CHAT, {"json": _chat("y" * 4001)}, 422,
     "invalid_request", "the last user message is 4001 characters; the limit is 4000"),
    ("bad role (OpenAI)", "post", CHAT,
     {"json": {"model": "shopassist", "messages": [{"role": "robot", "content": "hi"}]}}, 422,
     "invalid_request", "body.messages.0.role: Input should be"),
    ("unknown model (OpenAI)", "post", CHAT, {"json": {**_chat("hi"), "model": "gpt-4o"}}, 404,
     "model_not_found", "model 'gpt-4o' does not exist; use 'shopassist'"),
    ("bad session id (OpenAI)", "post", CHAT, {"json": {**_chat("hi"), "user": "a b/c"}}, 422,
     "invalid_request", "body.user: String should match pattern"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "method", "path", "request_kw", "status", "code", "says"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_a_bad_request_gets_a_clear_4xx_and_changes_nothing(
    shop: Services,
    client: TestClient,
    sid: str,
    case: str,
    method: str,
    path: str,
    request_kw: dict[str, Any],
    status: int,
    code: str,
    says: str,
) -> None:
    before, hashed = counts(shop), state_hash(shop.store)
    turns = len(shop.store.turns(sid))

    response = client.request(method.upper(), path.format(sid=sid), **request_kw)

    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and says in error["message"], error
    assert state_hash(shop.store) == hashed and len(shop.store.turns(sid)) == turns
    after = counts(shop)
    assert after == before
    record(case, path.replace("{sid}", "…"), f"{status} {error['message']}", before, after)
