"""`shopassist demo` and `shopassist ui`: run the chat UI on the local stack."""

from __future__ import annotations

import signal
import threading
import time

import typer

from assistant.cli.serve import model_server
from assistant.settings import Settings, get_settings

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""The signals that end `shopassist ui` and `demo` cleanly."""


def register(app: typer.Typer) -> None:
    """Add the run commands to the top-level CLI."""
    app.command("demo")(demo)
    app.command("ui")(ui)
    from assistant.cli.imports import catalog
    from assistant.cli.serve import register as register_interfaces

    app.command("ingest", help="Same as `shopassist import catalog`.")(catalog)
    register_interfaces(app)


def _serve_ui(settings: Settings, started: float) -> None:
    """Serve the UI until SIGINT or SIGTERM, then close it (the model server is the caller's)."""
    from assistant.services import build_services
    from assistant.ui.app import create_app

    app = create_app(build_services(settings))
    done = threading.Event()
    # Installed before the launch: the UI answers while `launch` is still running, and a
    # signal then would raise inside Gradio, which swallows it, and nothing would stop.
    previous = {sig: signal.signal(sig, lambda *_: done.set()) for sig in STOP_SIGNALS}
    try:
        app.queue().launch(
            server_name=settings.ui_host,
            server_port=settings.ui_port,
            prevent_thread_lock=True,
            quiet=True,
        )
        url = f"http://{settings.ui_host}:{settings.ui_port}/"
        typer.echo(f"shopassist is ready at {url} (ready in {time.perf_counter() - started:.0f}s)")
        done.wait()
        typer.echo("shutting down")
        app.close()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def demo() -> None:
    """Prepare the model and the demo store if needed, start the model server, open the UI."""
    started = time.perf_counter()
    settings = get_settings()
    from assistant.demo.loader import STAMP_NAME, load_demo
    from assistant.finetune.served import prepare_served_model

    prepare_served_model(settings, progress=typer.echo)
    if not (settings.data_dir / STAMP_NAME).is_file():
        load_demo(settings, progress=typer.echo)
    with model_server(settings):
        _serve_ui(settings, started)


def ui() -> None:
    """Open the chat UI on the configured model server (started locally when needed)."""
    started = time.perf_counter()
    settings = get_settings()
    with model_server(settings):
        _serve_ui(settings, started)
