"""The merchant's copy routes on the real API app: off without a key, refused with a wrong
one, and with the key a draft is written, listed and approved."""

from __future__ import annotations

from typing import Any

import httpx

from assistant.api import create_api
from tests.interfaces.support import uvicorn_server

KEY = {"Authorization": "Bearer merchant-key"}


def test_merchant_routes_are_off_without_a_key(services: Any) -> None:
    with uvicorn_server(create_api(services)) as url:
        answer = httpx.get(f"{url}/v1/merchant/copy", headers=KEY)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "merchant_routes_off"


def test_a_draft_is_written_listed_and_approved(services: Any, store: Any) -> None:
    product = store.products()[0]
    with uvicorn_server(create_api(services, merchant_key="merchant-key")) as url:
        wrong = httpx.get(f"{url}/v1/merchant/copy", headers={"Authorization": "Bearer nope"})
        written = httpx.post(
            f"{url}/v1/merchant/products/{product.product_id}/copy",
            json={"tone": "warm", "audience": "campers", "length": "short"},
            headers=KEY,
            timeout=30,
        )
        listed = httpx.get(
            f"{url}/v1/merchant/copy", params={"product_id": product.product_id}, headers=KEY
        )
        draft = written.json()
        approved = httpx.post(
            f"{url}/v1/merchant/copy/{draft['draft_id']}/approve",
            json={"title": "Edited title"},
            headers=KEY,
            timeout=30,
        )
        missing = httpx.post(f"{url}/v1/merchant/copy/999999/approve", headers=KEY)
        unknown = httpx.post(f"{url}/v1/merchant/products/nope/copy", headers=KEY)
    assert wrong.status_code == 401
    assert written.status_code == 201, written.text
    assert draft["product_id"] == product.product_id and draft["status"] == "draft"
    assert draft["tone"] == "warm" and draft["audience"] == "campers"
    assert draft["draft_id"] in [d["draft_id"] for d in listed.json()]
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["title"] == "Edited title"
    assert missing.status_code == 404 and unknown.status_code == 404
