"""Every route behind the API key (or the merchant's key) checks it, through the one
constant-time comparison (`assistant.identity.keys.key_matches`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from assistant.services import Services
from tests.security.figures import record

pytestmark = pytest.mark.security

KEY, MERCHANT = "store-key-123", "merchant-key-456"
OPEN = {"/health", "/docs", "/openapi.json", "/docs/oauth2-redirect", "/redoc"}
"""Routes anyone may call: health and the API's own documentation."""


@pytest.fixture(scope="module")
def client(shop: Services) -> Iterator[TestClient]:
    from assistant.api import create_api

    app = create_api(shop, api_key=KEY, merchant_key=MERCHANT)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _routes(client: TestClient) -> list[tuple[str, str]]:
    found = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and route.path not in OPEN:
            path = route.path.replace("{session_id}", "s1").replace("{name}", "get_user_details")
            path = path.replace("{product_id}", "1").replace("{draft_id}", "1")
            found += [(method, path) for method in sorted(route.methods)]
    return found


def test_every_route_refuses_a_missing_or_wrong_key(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.api.deps as deps

    compared: list[tuple[str | None, str | None]] = []
    real = deps.key_matches

    def counting(given: str | None, expected: str | None) -> bool:
        compared.append((given, expected))
        return real(given, expected)

    monkeypatch.setattr(deps, "key_matches", counting)
    routes = _routes(client)
    assert len(routes) >= 10, routes
    for method, path in routes:
        missing = client.request(method, path)
        assert missing.status_code in (401, 403), (method, path, missing.text)
        before = len(compared)
        wrong = client.request(method, path, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401, (method, path, wrong.text)
        assert len(compared) > before, f"{method} {path} did not compare the key"
    assert all(given == "nope" for given, _ in compared if given is not None)
    # The right key opens them (a session route then answers on its own terms).
    opened = client.post("/v1/sessions", headers={"Authorization": f"Bearer {KEY}"})
    assert opened.status_code == 201
    record(
        "keyed routes, missing / wrong key",
        f"{len(routes)} route-methods: 401/403, key_matches each",
    )
