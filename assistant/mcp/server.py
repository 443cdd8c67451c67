"""An MCP server exposing the assistant's tools under the store policy.

Every call goes through `assistant.engine.direct`, so MCP clients get exactly the rules of
the chat and the API: sign-in tools authenticate the session, order tools reach only that
shopper's data, and a WRITE tool first answers `confirmation_needed` with a summary; only
`confirm_pending_action` runs it.

One store session per MCP connection: the process for stdio (a stdio server has one client,
whichever protocol era it speaks), the `Mcp-Session-Id` for streamable HTTP. Over HTTP the
server holds sessions with the handshake protocol: its `server/discover` advertises only
handshake versions, so clients that probe for the stateless 2026 protocol fall back to it.
A stateless HTTP request without a session id gets a fresh store session of its own.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

from assistant.engine.direct import DirectResult, call_tool, confirm
from assistant.tools.registry import ToolKind

CONFIRM_TOOL = "confirm_pending_action"
CONFIRM_DESCRIPTION = (
    "Run the store change that is waiting for confirmation (a cancellation, return, "
    "exchange, address or payment change, or cart change). Call it only after the shopper "
    "has read that change's summary and explicitly said yes."
)
CONFIRM_SCHEMA = {
    "type": "object",
    "properties": {
        "action_id": {
            "type": "string",
            "description": "The action_id returned with the summary; a different pending "
            "change is then not run.",
        }
    },
    "additionalProperties": False,
}
INSTRUCTIONS = (
    "Tools of one online store. Sign the shopper in with find_user_id_by_email or "
    "find_user_id_by_name_zip before order or account questions. Changes to orders, the "
    "address or the cart answer 'confirmation_needed' with a summary: show it to the "
    "shopper and call confirm_pending_action only after their explicit yes."
)
_FAILED = {"refused", "invalid_arguments", "tool_error", "nothing_pending", "action_mismatch"}


def tool_list(registry: Any) -> list[types.Tool]:
    """The registry's tools (schemas generated from their signatures) plus the confirm tool."""
    tools = []
    for tool in registry:
        write = tool.kind is not ToolKind.READ
        tools.append(
            types.Tool(
                name=tool.name,
                description=tool.description
                + ("\n\nChanges the store: needs the shopper's confirmation." if write else ""),
                input_schema=tool.openai_schema()["function"]["parameters"],
                annotations=types.ToolAnnotations(
                    read_only_hint=not write, destructive_hint=write, open_world_hint=False
                ),
            )
        )
    tools.append(
        types.Tool(
            name=CONFIRM_TOOL,
            description=CONFIRM_DESCRIPTION,
            input_schema=CONFIRM_SCHEMA,
            annotations=types.ToolAnnotations(
                read_only_hint=False, destructive_hint=True, open_world_hint=False
            ),
        )
    )
    return tools


def result_payload(result: DirectResult) -> types.CallToolResult:
    """A direct result as an MCP tool result (JSON text plus the same structured data)."""
    body = {k: v for k, v in result.as_dict().items() if v not in (None, [])}
    return types.CallToolResult(
        content=[types.TextContent(text=json.dumps(body, ensure_ascii=False, default=str))],
        structured_content=body,
        is_error=result.status in _FAILED,
    )


class SessionKeys:
    """Maps an MCP connection to the store session its calls belong to."""

    def __init__(self) -> None:
        # A stdio server process serves exactly one client.
        self.process_session = f"mcp-{uuid.uuid4().hex}"

    def key(self, ctx: ServerRequestContext[Any, Any]) -> str:
        """The store session for the connection `ctx` arrived on."""
        request = ctx.request
        headers = getattr(request, "headers", None)
        if headers is None:
            return self.process_session
        mcp_session = headers.get("mcp-session-id")
        return f"mcp-{mcp_session}" if mcp_session else f"mcp-{uuid.uuid4().hex}"


def create_mcp_server(services: Any, *, sessions_by_handshake: bool = False) -> Server[Any]:
    """The low-level MCP server over `services.engine`.

    Args:
        services: The composition root; its engine's runner and policy apply.
        sessions_by_handshake: Advertise only the handshake protocol (for HTTP, where only
            it carries a session id).
    """
    engine = services.engine
    keys = SessionKeys()
    if CONFIRM_TOOL in engine.registry:
        raise ValueError(f"a registered tool is named {CONFIRM_TOOL!r}, which MCP reserves")

    async def list_tools(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tool_list(engine.registry))

    async def call(
        ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        session_id = keys.key(ctx)
        arguments = params.arguments or {}
        if params.name == CONFIRM_TOOL:
            expected = arguments.get("action_id")
            if expected is not None and not isinstance(expected, str):
                raise MCPError(INVALID_PARAMS, "action_id must be a string")
            result = await anyio.to_thread.run_sync(confirm, engine, session_id, expected)
        else:
            if params.name not in engine.registry:
                raise MCPError(INVALID_PARAMS, f"unknown tool {params.name!r}")
            result = await anyio.to_thread.run_sync(
                call_tool, engine, session_id, params.name, arguments
            )
        return result_payload(result)

    async def discover(
        ctx: ServerRequestContext[Any, Any], params: types.RequestParams | None
    ) -> types.DiscoverResult:
        # Only handshake versions: sign-in and pending changes live in a session.
        return types.DiscoverResult(
            supported_versions=list(HANDSHAKE_PROTOCOL_VERSIONS),
            capabilities=server.get_capabilities(),
            instructions=INSTRUCTIONS,
        )

    server: Server[Any] = Server(
        "shopassist",
        version="1",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call,
    )
    if sessions_by_handshake:
        server.add_request_handler("server/discover", types.RequestParams, discover)
    return server


def run_stdio(services: Any) -> None:
    """Serve MCP over this process's stdin/stdout until the client closes it."""
    from mcp.server.stdio import stdio_server

    server = create_mcp_server(services)

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)


def http_app(services: Any, host: str = "127.0.0.1") -> Any:
    """The streamable HTTP ASGI app (endpoint `/mcp`)."""
    server = create_mcp_server(services, sessions_by_handshake=True)
    return server.streamable_http_app(host=host)


def run_http(services: Any, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve MCP over streamable HTTP at `http://host:port/mcp` (loopback by default)."""
    import uvicorn

    uvicorn.run(http_app(services, host), host=host, port=port, log_level="warning")
