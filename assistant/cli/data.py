"""`shopassist data ...`: load a demo store, re-index search from the store."""

from __future__ import annotations

from enum import StrEnum

import typer

from assistant.settings import get_settings

app = typer.Typer(help="Load store data.", no_args_is_help=True)


class DemoStore(StrEnum):
    """The demo stores `data demo` can load."""

    tau2 = "tau2"
    beanleaf = "beanleaf"


@app.command("demo")
def demo(
    store: DemoStore = typer.Option(
        DemoStore.tau2,
        "--store",
        help="tau2: the τ²-bench retail world; beanleaf: Bean & Leaf, a generated coffee "
        "and tea shop.",
    ),
) -> None:
    """Load a demo store (users, orders, catalog, policy and FAQ pages)."""
    import time

    if store is DemoStore.beanleaf:
        from assistant.demo.beanleaf import load_beanleaf

        load_beanleaf(get_settings(), progress=typer.echo)
        return
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


@app.command("reindex")
def reindex() -> None:
    """Re-index search from the store's catalog (after restoring a database backup, say)."""
    from assistant.catalog_import import CatalogImportError, reindex_catalog
    from assistant.services import build_services

    try:
        summary = reindex_catalog(build_services(get_settings()))
    except CatalogImportError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    typer.echo(
        f"search: added {summary.added}, updated {summary.updated}, unchanged "
        f"{summary.unchanged}, removed {summary.removed} in {summary.seconds:.1f}s"
    )
