"""`shopassist data ...` and `shopassist ingest`: load the demo store or a merchant's catalog."""

from __future__ import annotations

from pathlib import Path

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


def ingest(
    path: Path = typer.Argument(..., help="Catalog file: Shopify CSV, JSONL or JSON."),
    keep_missing: bool = typer.Option(
        False, "--keep-missing", help="Do not delete indexed products absent from the file."
    ),
) -> None:
    """Import a catalog file into search, re-embedding only what changed."""
    from rich.progress import Progress, TaskID

    from retrieval import open_indexes
    from retrieval.importers import ingest_path

    settings = get_settings()
    catalog, _ = open_indexes(settings.data_dir, settings.embedding_model, settings.chroma_url)
    with Progress() as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            report, summary = ingest_path(
                catalog, path, remove_missing=not keep_missing, progress=progress
            )
        except (ValueError, FileNotFoundError) as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2) from err
    for error in report.errors:
        typer.echo(f"{path}:{error.line}: {error.reason}", err=True)
    typer.echo(
        f"{len(report.products)} products read, {len(report.errors)} rows rejected; "
        f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
        f"removed {summary.removed} in {summary.seconds:.1f}s"
    )
