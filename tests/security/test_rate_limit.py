"""Per-client rate limits: past the limit a client gets 429 with Retry-After, other clients
are not held back, and a bad setting is refused with what was wrong."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from assistant.services import Services
from assistant.settings import Settings
from tests.security.figures import record

pytestmark = pytest.mark.security

ALICE = {"Authorization": "Bearer alice-client"}
BOB = {"Authorization": "Bearer bob-client"}


def test_a_client_past_its_limit_waits_and_others_do_not(shop: Services) -> None:
    from assistant.api import create_api

    with TestClient(create_api(shop, rate_limit="3/minute")) as client:
        answers = [client.post("/v1/sessions", headers=ALICE) for _ in range(4)]
        assert [a.status_code for a in answers] == [201, 201, 201, 429]
        refused = answers[-1]
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert client.post("/v1/sessions", headers=BOB).status_code == 201
        assert client.get("/health", headers=ALICE).status_code == 429  # every route counts
    wait = refused.headers["retry-after"]
    record("rate limit 3/minute", f"4th request 429, Retry-After {wait} s; another client 201")


def test_a_bad_rate_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="is not a rate such as '120/minute'"):
        Settings(rate_limit="lots")
    assert Settings(rate_limit="").rate_limit is None
