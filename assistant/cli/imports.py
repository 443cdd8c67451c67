"""`shopassist import catalog|pages`: bring a merchant's own catalog and help pages in.

A catalog import upserts by default: products in the file are added or replaced (in the
store, where carts and orders read them, and in search), everything else stays. `--sync`
makes the file the whole catalog: it says how many products would go and asks first.
"""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.settings import get_settings

app = typer.Typer(help="Import your store's catalog or help pages.", no_args_is_help=True)

PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt")


@app.command("catalog")
def catalog(
    path: Path = typer.Argument(..., help="Shopify product CSV, JSONL or JSON."),
    sync: bool = typer.Option(False, "--sync", help="Remove products the file lacks."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask before removing (with --sync)."),
) -> None:
    """Add or update the file's products; bad rows are reported with line and reason."""
    from rich.progress import Progress, TaskID

    from assistant.catalog_import import CatalogImportError, import_catalog
    from assistant.services import build_services

    def confirm(count: int) -> bool:
        question = f"--sync removes {count} product(s) the file lacks. Go on?"
        return yes or typer.confirm(question)

    bar = Progress()  # started at the first indexing step, after any question is answered
    tasks: dict[str, TaskID] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if not tasks:
            bar.start()
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        done = import_catalog(
            build_services(get_settings()),
            path,
            sync=sync,
            confirm_removal=confirm,
            progress=progress,
        )
    except CatalogImportError as err:
        typer.echo(f"error: {err}; nothing changed", err=True)
        raise typer.Exit(2) from err
    finally:
        bar.stop()
    report, change, summary = done.report, done.store, done.search
    for error in report.errors:
        typer.echo(f"{path}:{error.line}: {error.reason}", err=True)
    typer.echo(
        f"{len(report.products)} products read, {len(report.errors)} rows rejected; store: "
        f"added {change.added}, updated {change.updated}, removed {change.removed}; search: "
        f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
        f"removed {summary.removed} in {summary.seconds:.1f}s"
    )


@app.command("pages")
def pages(
    folder: Path = typer.Argument(..., help="A folder of Markdown, HTML or text pages."),
) -> None:
    """Add or update help pages (FAQ, policies): each file replaces its earlier version."""
    from assistant.services import build_services

    if not folder.is_dir():
        typer.echo(f"error: {folder} is not a folder", err=True)
        raise typer.Exit(2)
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES)
    if not files:
        known = ", ".join(PAGE_SUFFIXES)
        typer.echo(f"error: {folder} holds no page ({known}); nothing changed", err=True)
        raise typer.Exit(2)
    _, faq = build_services(get_settings()).indexes
    summary = faq.ingest_pages(files)
    typer.echo(
        f"{summary.pages} pages: {summary.added} passages added, {summary.unchanged} unchanged, "
        f"{summary.removed} removed in {summary.seconds:.1f}s"
    )
