"""The assistant's tools for other agents over MCP (stdio and streamable HTTP)."""

from assistant.mcp.server import create_mcp_server, run_http, run_stdio

__all__ = ["create_mcp_server", "run_http", "run_stdio"]
