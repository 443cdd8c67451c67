"""`POST /v1/events` under a real uvicorn server: storefront events land in the real store;
bad ones are answered 422 saying which event and field, and store nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assistant.api import create_api
from assistant.services import Services
from tests.interfaces.support import uvicorn_server

pytestmark = pytest.mark.server


@pytest.fixture
def client(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as http:
        yield http


def visit(session_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"session_id": session_id, "kind": kind, "product_id": "6086499569", **fields}


def test_storefront_events_are_stored(client: httpx.Client, store: Any) -> None:
    posted = [
        visit(
            "web-1", "impression", item_id="1008292230", source="search", query="shoes", position=1
        ),
        visit("web-1", "click", item_id="1008292230", source="search", position=1),
        visit(
            "web-1", "purchase", user_id="raj_sanchez_2970", created_at="2025-01-31T09:15:00+01:00"
        ),
    ]
    response = client.post("/v1/events", json=posted)
    assert response.status_code == 202, response.text
    assert response.json() == {"stored": 3}
    kept = store.events("web-1")
    assert [(e.kind, e.source, e.position) for e in kept] == [
        ("impression", "search", 1),
        ("click", "search", 1),
        ("purchase", "other", None),
    ]
    assert kept[0].query == "shoes" and kept[2].user_id == "raj_sanchez_2970"
    assert (
        kept[2].created_at is not None
        and kept[2].created_at.isoformat() == "2025-01-31T08:15:00+00:00"
    )


def test_a_bad_event_is_refused_with_where_and_nothing_stored(
    client: httpx.Client, store: Any
) -> None:
    good = visit("web-2", "click", source="recommendation")
    response = client.post("/v1/events", json=[good, {**good, "kind": "view"}])
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"][0]["loc"] == ["body", 1, "kind"]
    assert "body.1.kind" in error["message"] and "'impression'" in error["message"]

    for bad, where in [
        ({**good, "source": "email"}, ["body", 0, "source"]),
        ({**good, "position": 0}, ["body", 0, "position"]),
        ({**good, "created_at": "2025-01-31T09:15:00"}, ["body", 0, "created_at"]),
        ({**good, "colour": "red"}, ["body", 0, "colour"]),
        ({"session_id": "web-2", "kind": "click"}, ["body", 0, "product_id"]),
    ]:
        refused = client.post("/v1/events", json=[bad])
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["details"][0]["loc"] == where
    for body in ([], {"events": [good]}):
        assert client.post("/v1/events", json=body).status_code == 422
    assert store.events("web-2") == []


def test_events_need_the_api_key_when_configured(services: Services) -> None:
    with uvicorn_server(create_api(services, api_key="s3cret")) as url:
        event = [visit("web-3", "click")]
        assert httpx.post(f"{url}/v1/events", json=event).status_code == 401
        keyed = httpx.post(f"{url}/v1/events", json=event, headers={"X-API-Key": "s3cret"})
        assert keyed.status_code == 202 and keyed.json() == {"stored": 1}
