"""Storefront identity on the real API: a session opens signed in only for a shopper the
storefront vouches for (its server with the API key, or a token it signed); a forged or expired
token is refused, and a session that only named an email sees nothing of the account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from assistant.api import create_api
from assistant.identity.tokens import issue_token
from tests.interfaces.support import SHOPPER_A, ShopScript, shop_services, uvicorn_server

pytestmark = pytest.mark.server

SECRET = "a-storefront-secret-of-32-characters!"


@pytest.fixture(scope="module")
def url(shop_data_dir: Path):  # type: ignore[no-untyped-def]
    services = shop_services(shop_data_dir, ShopScript())
    services.settings = services.settings.model_copy(
        update={"identity": "storefront", "identity_secret": SECRET}
    )
    with uvicorn_server(create_api(services, api_key="server-key")) as served:
        yield served


def _open(url: str, body: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"{url}/v1/sessions", json=body, headers={"Authorization": "Bearer server-key"}
    )


def _user(url: str, session_id: str) -> str | None:
    info = httpx.get(
        f"{url}/v1/sessions/{session_id}", headers={"Authorization": "Bearer server-key"}
    )
    user: str | None = info.json()["user_id"]
    return user


def test_a_signed_token_opens_a_signed_in_session(url: str) -> None:
    opened = _open(url, {"token": issue_token(SHOPPER_A["user_id"], SECRET)})
    assert opened.status_code == 201, opened.text
    assert _user(url, opened.json()["session_id"]) == SHOPPER_A["user_id"]
    vouched = _open(url, {"user_id": SHOPPER_A["user_id"]})
    assert _user(url, vouched.json()["session_id"]) == SHOPPER_A["user_id"]


def test_forged_and_expired_tokens_are_refused(url: str) -> None:
    forged = issue_token(SHOPPER_A["user_id"], "another-secret-that-is-32-chars-long")
    expired = issue_token(SHOPPER_A["user_id"], SECRET, now=datetime.now(UTC) - timedelta(hours=2))
    tampered = issue_token("sofia_li_9219", SECRET)[:-4] + "AAAA"
    for token, words in ((forged, "signature"), (expired, "expired"), (tampered, "")):
        answer = _open(url, {"token": token})
        assert answer.status_code == 401, answer.text
        assert answer.json()["error"]["code"] == "invalid_token"
        assert words in answer.json()["error"]["message"]


def test_naming_an_email_discloses_nothing(url: str, store: object) -> None:
    sid = _open(url, {}).json()["session_id"]
    address = store.user(SHOPPER_A["user_id"]).address  # type: ignore[attr-defined]
    headers = {"Authorization": "Bearer server-key"}
    tools = f"{url}/v1/sessions/{sid}/tools"
    lookup = httpx.post(
        f"{tools}/find_user_id_by_email", json={"email": SHOPPER_A["email"]}, headers=headers
    )
    assert lookup.status_code == 403 and SHOPPER_A["user_id"] not in lookup.text
    for name, args in (
        ("get_user_details", {"user_id": SHOPPER_A["user_id"]}),
        ("get_order_details", {"order_id": SHOPPER_A["pending"]}),
    ):
        answer = httpx.post(f"{tools}/{name}", json=args, headers=headers)
        assert answer.status_code == 403 and "sign in on the store" in answer.text
        assert address.address1 not in answer.text and address.zip not in answer.text
    assert _user(url, sid) is None
