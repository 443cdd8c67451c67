"""`shopassist data ...`: load the demo store."""

from __future__ import annotations

import typer

from assistant.settings import get_settings

app = typer.Typer(help="Load store data.", no_args_is_help=True)


@app.command("demo")
def demo() -> None:
    """Load the τ²-bench retail demo store (users, orders, catalog, policy and FAQ pages)."""
    import time

    from assistant.demo.loader import load_demo
    from assistant.services import build_services

    settings = get_settings()
    load_demo(settings, progress=typer.echo)
    started = time.perf_counter()
    detector = build_services(settings).requests
    if detector is not None:
        detector.model()  # fitted once here, so the first chat turn does not wait for it
        seconds = time.perf_counter() - started
        typer.echo(f"request detector ready ({len(detector.kinds)} kinds, {seconds:.0f}s)")
