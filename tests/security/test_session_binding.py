"""Sessions are bound to the caller that opened them: another caller can neither read one
(by its id, through the native routes or the OpenAI facade) nor share one by sending the same
`user`, and a deleted session's id cannot be reopened by someone else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.services import Services
from tests.interfaces.support import SHOPPER_A
from tests.security.figures import record

pytestmark = pytest.mark.security

ALICE = {"Authorization": "Bearer alice-client"}
MALLORY = {"Authorization": "Bearer mallory-client"}
CHAT = "/v1/chat/completions"


@pytest.fixture(scope="module")
def client(shop: Services) -> Iterator[TestClient]:
    from assistant.api import create_api

    with TestClient(create_api(shop), raise_server_exceptions=False) as c:
        yield c


def _signed_in(client: TestClient) -> str:
    sid = str(client.post("/v1/sessions", headers=ALICE).json()["session_id"])
    signed = client.post(
        f"/v1/sessions/{sid}/tools/find_user_id_by_email",
        json={"email": SHOPPER_A["email"]},
        headers=ALICE,
    )
    assert signed.status_code == 200, signed.text
    return sid


def _chat(text: str, **extra: object) -> dict[str, object]:
    return {"model": "shopassist", "messages": [{"role": "user", "content": text}], **extra}


def test_another_caller_cannot_use_a_session_by_its_id(client: TestClient) -> None:
    sid = _signed_in(client)
    details = f"/v1/sessions/{sid}/tools/get_user_details"
    assert client.get(f"/v1/sessions/{sid}", headers=ALICE).status_code == 200
    as_sid = {**MALLORY, "X-Session-Id": sid}
    tries = [
        client.get(f"/v1/sessions/{sid}", headers=MALLORY),
        client.post(details, json={"user_id": SHOPPER_A["user_id"]}, headers=MALLORY),
        client.post(f"/v1/sessions/{sid}/messages", json={"text": "my address?"}, headers=MALLORY),
        client.post(CHAT, json=_chat("what is my address?"), headers=as_sid),
    ]
    for answer in tries:
        assert answer.status_code == 404, answer.text
        assert answer.json()["error"]["code"] == "session_not_found"
        assert SHOPPER_A["email"] not in answer.text and SHOPPER_A["user_id"] not in answer.text
    # The owner still can, and the session is still signed in.
    mine = client.post(details, json={"user_id": SHOPPER_A["user_id"]}, headers=ALICE)
    assert mine.status_code == 200 and SHOPPER_A["email"] in mine.text
    record("another caller names a signed-in session", f"{len(tries)}/{len(tries)} routes 404")


def test_the_same_user_from_two_callers_is_two_conversations(client: TestClient) -> None:
    body = _chat("a desk lamp", user="shopper-42")
    first = client.post(CHAT, json=body, headers=ALICE)
    again = client.post(CHAT, json=body, headers=ALICE)
    other = client.post(CHAT, json=body, headers=MALLORY)
    assert {r.status_code for r in (first, again, other)} == {200}
    alices = first.headers["x-session-id"]
    assert again.headers["x-session-id"] == alices  # one caller's end user keeps one session
    assert other.headers["x-session-id"] != alices
    assert client.get(f"/v1/sessions/{alices}", headers=ALICE).json()["turns"] == 2
    assert alices != "shopper-42"  # the id is no longer the free `user` field itself
    record("same `user` from two callers", "2 sessions; the same caller keeps 1")


def test_a_deleted_session_cannot_be_reopened_by_another_caller(client: TestClient) -> None:
    sid = _signed_in(client)
    assert client.delete(f"/v1/sessions/{sid}", headers=ALICE).status_code == 204
    taken = client.post(CHAT, json=_chat("hello"), headers={**MALLORY, "X-Session-Id": sid})
    assert taken.status_code == 404, taken.text
    reopened = client.post(CHAT, json=_chat("hello"), headers={**ALICE, "X-Session-Id": sid})
    assert reopened.status_code == 200 and reopened.headers["x-session-id"] == sid
    record("deleted session reopened by another caller", "404; its owner may")


def test_new_sessions_are_not_guessable(client: TestClient) -> None:
    ids = {client.post("/v1/sessions", headers=ALICE).json()["session_id"] for _ in range(20)}
    assert len(ids) == 20 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    record("new session ids", "20 distinct, 128 random bits each")
