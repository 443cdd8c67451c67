"""MCP: a real client session over a stdio subprocess and over streamable HTTP on loopback,
checked against the storefront API for the same calls."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

from assistant.mcp.server import CONFIRM_TOOL, http_app
from assistant.services import Services
from tests.interfaces.support import SHOPPER_A, SHOPPER_B, in_stock_items, uvicorn_server

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
SEARCH = {"query": "water bottle", "filters": {"max_price": 100}}


def run(flow: Callable[[], Awaitable[Any]]) -> Any:
    return anyio.run(flow)


def api_result(api_url: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    sid = httpx.post(f"{api_url}/v1/sessions").json()["session_id"]
    response = httpx.post(f"{api_url}/v1/sessions/{sid}/tools/{name}", json=arguments)
    assert response.status_code == 200, response.text
    return response.json()


async def check_policy(client: Client, store: Any) -> None:
    """Sign-in, ownership and two-step changes, exactly as the API and the chat apply them."""
    order = {"order_id": SHOPPER_A["pending"]}
    before = await client.call_tool("get_order_details", order)
    assert before.is_error and before.structured_content["status"] == "refused"
    signed = await client.call_tool("find_user_id_by_email", {"email": SHOPPER_A["email"]})
    assert not signed.is_error and signed.structured_content["data"] == SHOPPER_A["user_id"]
    own = await client.call_tool("get_order_details", order)
    assert own.structured_content["data"]["user_id"] == SHOPPER_A["user_id"]
    other = await client.call_tool("get_order_details", {"order_id": SHOPPER_B["pending"]})
    assert other.is_error and "data" not in other.structured_content
    bad = await client.call_tool("search_products", {"query": "x", "filters": {"max_price": -1}})
    assert bad.is_error and bad.structured_content["status"] == "invalid_arguments"
    item = in_stock_items(store)[3]
    added = await client.call_tool("add_to_cart", {"item_id": item})  # reversible: runs at once
    assert not added.is_error and item in [
        i["item_id"] for i in added.structured_content["data"]["items"]
    ]
    address = {
        "user_id": SHOPPER_A["user_id"],
        "address1": "2 Quay Street",
        "address2": "",
        "city": "Bristol",
        "state": "RI",
        "country": "USA",
        "zip": "02809",
    }
    asked = await client.call_tool("modify_user_address", address)
    assert asked.structured_content["status"] == "confirmation_needed"
    assert "02809" in asked.structured_content["summary"]
    action = asked.structured_content["action_id"]
    done = await client.call_tool(CONFIRM_TOOL, {"action_id": action})
    assert not done.is_error, done.structured_content
    assert store.user(SHOPPER_A["user_id"]).address.zip == "02809"
    again = await client.call_tool(CONFIRM_TOOL, {})
    assert again.is_error and again.structured_content["status"] == "nothing_pending"
    with pytest.raises(MCPError, match="unknown tool"):
        await client.call_tool("drop_tables", {})


async def check_listing_and_search(client: Client, services: Services, api_url: str) -> None:
    tools = (await client.list_tools()).tools
    assert [t.name for t in tools] == [*services.registry.names(), CONFIRM_TOOL]
    by_name = {t.name: t for t in tools}
    schema = services.registry.get("search_products").openai_schema()["function"]["parameters"]
    assert by_name["search_products"].input_schema == schema
    assert by_name["search_products"].annotations.read_only_hint is True
    assert by_name["cancel_pending_order"].annotations.destructive_hint is True
    result = await client.call_tool("search_products", SEARCH)
    assert not result.is_error and result.structured_content["data"]["results"]
    assert (
        result.structured_content["data"] == api_result(api_url, "search_products", SEARCH)["data"]
    )


def test_mcp_over_stdio(shop_data_dir: Path, services: Services, store: Any, api_url: str) -> None:
    env = {
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "SHOPASSIST_DATA_DIR": str(shop_data_dir),
        "PATH": os.environ.get("PATH", ""),
    }
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "tests.interfaces.mcp_stdio_server", str(shop_data_dir)],
        env=env,
        cwd=ROOT,
    )

    async def flow() -> None:
        async with Client(params, read_timeout_seconds=120) as client:
            await check_listing_and_search(client, services, api_url)
            await check_policy(client, store)

    run(flow)


def test_mcp_over_streamable_http(services: Services, store: Any, api_url: str) -> None:
    with uvicorn_server(http_app(services)) as url:

        async def flow() -> None:
            async with Client(f"{url}/mcp") as client:
                # Over HTTP only the handshake era carries a session id.
                assert client.session.initialize_result is not None
                version = client.session.initialize_result.protocol_version
                assert version in HANDSHAKE_PROTOCOL_VERSIONS
                await check_listing_and_search(client, services, api_url)
                await check_policy(client, store)
            # A second connection is a second session: the first one's sign-in stays there.
            async with Client(f"{url}/mcp") as other:
                details = await other.call_tool(
                    "get_user_details", {"user_id": SHOPPER_A["user_id"]}
                )
                assert details.is_error and details.structured_content["status"] == "refused"

        run(flow)
