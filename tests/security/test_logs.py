"""What the assistant logs while shoppers sign in, read their details and give an address:
session ids, tool names and paths, never the shopper's email, name, address or card digits
(turn records in the store keep them; the logs do not)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from assistant.services import Services
from tests.interfaces.support import SHOPPER_A
from tests.security.figures import record

pytestmark = pytest.mark.security

ADDRESS = "221 Baker Street, Apt 2, Springfield, IL 62704"


def test_no_personal_data_reaches_the_logs(
    shop: Services, caplog: pytest.LogCaptureFixture
) -> None:
    from assistant.api import create_api

    user = shop.store.user(SHOPPER_A["user_id"])
    assert user is not None
    cards = [m.last_four for m in user.payment_methods.values() if hasattr(m, "last_four")]
    personal = [user.email, user.name.first_name, user.name.last_name, user.address.address1,
                user.address.zip, "Baker Street", "62704", *cards]  # fmt: skip
    caplog.set_level(logging.DEBUG)
    with TestClient(create_api(shop), raise_server_exceptions=False) as client:
        sid = client.post("/v1/sessions").json()["session_id"]
        signed = client.post(
            f"/v1/sessions/{sid}/tools/find_user_id_by_email", json={"email": user.email}
        )
        assert signed.status_code == 200, signed.text
        messages = [
            f"hi, I'm {user.email}",
            "what address and cards do you have for me?",
            f"please change my default address to {ADDRESS}",
        ]
        for text in messages:
            answer = client.post(f"/v1/sessions/{sid}/messages", json={"text": text})
            assert answer.status_code == 200, answer.text
        details = client.post(
            f"/v1/sessions/{sid}/tools/get_user_details", json={"user_id": user.user_id}
        )
        assert details.status_code == 200 and user.email in details.text  # the shopper sees it
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records, "nothing was logged: the check would see nothing"
    leaked = [value for value in personal if value and value in logged]
    assert leaked == [], leaked
    record(
        "personal data in the logs",
        f"{len(caplog.records)} records at DEBUG, 0 of {len(personal)} values",
    )
    # The store's record of the turns keeps what the shopper wrote (grounding reads it).
    assert any(user.email in t.user_message for t in shop.store.turns(sid))
