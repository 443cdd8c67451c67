"""`shopassist import catalog|customers|orders|pages`: bring a merchant's own store in.

Every import upserts by default: records in the file are added or replaced (products in the
store, where carts and orders read them, and in search; customers by email; orders by id),
everything else stays. `--sync` makes the file the whole set: it says how many records would
go and asks first. Bad rows are reported as `FILE:LINE: reason`; the good ones are imported.
Formats: `docs/import-formats.md`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import typer

from assistant.settings import get_settings
from retrieval.importers.report import RowError

app = typer.Typer(
    help="Import your store's catalog, customers, orders or help pages.", no_args_is_help=True
)
T = TypeVar("T")


class _Bar:
    """A rich progress bar, one task per stage, started at the first step (so it never runs
    while a question waits for an answer)."""

    def __init__(self) -> None:
        from rich.progress import Progress, TaskID

        self.bar = Progress()
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.tasks:
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def stop(self) -> None:
        """End the bar (also when the import failed)."""
        self.bar.stop()


def _confirm(yes: bool, what: str) -> Callable[[int], bool]:
    def confirm(count: int) -> bool:
        return yes or typer.confirm(f"--sync removes {count} {what} the file lacks. Go on?")

    return confirm


def _run(run: Callable[[_Bar], T], error: type[Exception]) -> T:
    """Run an import with a progress bar; a refused file exits with 2, saying nothing changed."""
    bar = _Bar()
    try:
        return run(bar)
    except error as err:
        typer.echo(f"error: {err}; nothing changed", err=True)
        raise typer.Exit(2) from err
    finally:
        bar.stop()


def _rejected(path: Path, errors: Iterable[RowError]) -> None:
    for row in errors:
        typer.echo(f"{path}:{row.line}: {row.reason}", err=True)


@app.command("catalog")
def catalog(
    path: Path = typer.Argument(..., help="Shopify product CSV, JSONL or JSON."),
    sync: bool = typer.Option(False, "--sync", help="Remove products the file lacks."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask before removing (with --sync)."),
) -> None:
    """Add or update the file's products; bad rows are reported with line and reason."""
    from assistant.catalog_import import CatalogImportError, import_catalog
    from assistant.services import build_services

    services = build_services(get_settings())
    done = _run(
        lambda bar: import_catalog(
            services, path, sync=sync, confirm_removal=_confirm(yes, "product(s)"), progress=bar
        ),
        CatalogImportError,
    )
    report, change, summary = done.report, done.store, done.search
    _rejected(path, report.errors)
    typer.echo(
        f"{len(report.products)} products read, {len(report.errors)} rows rejected; store: "
        f"added {change.added}, updated {change.updated}, removed {change.removed}; search: "
        f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
        f"removed {summary.removed} in {summary.seconds:.1f}s"
    )


@app.command("customers")
def customers(
    path: Path = typer.Argument(..., help="Shopify customer CSV, or CSV/JSONL/JSON of ours."),
    sync: bool = typer.Option(
        False, "--sync", help="Remove customers the file lacks, with their orders."
    ),
    yes: bool = typer.Option(False, "--yes", help="Do not ask before removing (with --sync)."),
) -> None:
    """Add or update the file's customers (by email); bad rows are reported by line."""
    from assistant.imports import PeopleImportError, import_customers
    from assistant.store import Store

    store = Store.from_settings(get_settings())
    started = time.perf_counter()
    done = _run(
        lambda bar: import_customers(
            store,
            path,
            sync=sync,
            confirm_removal=_confirm(yes, "customer(s), with their orders,"),
            progress=bar,
        ),
        PeopleImportError,
    )
    _rejected(path, done.report.errors)
    change = done.change
    typer.echo(
        f"{len(done.report.records)} customers read, {len(done.report.errors)} rows rejected; "
        f"added {change.added}, updated {change.updated}, removed {change.removed} "
        f"(and {len(done.removed_orders)} of their orders) in "
        f"{time.perf_counter() - started:.1f}s"
    )


@app.command("orders")
def orders(
    path: Path = typer.Argument(..., help="Shopify order CSV, or CSV/JSONL/JSON of ours."),
    sync: bool = typer.Option(False, "--sync", help="Remove orders the file lacks."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask before removing (with --sync)."),
) -> None:
    """Add or replace the file's orders; items resolve to catalog variants by SKU."""
    from assistant.imports import PeopleImportError, import_orders
    from assistant.store import Store

    store = Store.from_settings(get_settings())
    started = time.perf_counter()
    done = _run(
        lambda bar: import_orders(
            store, path, sync=sync, confirm_removal=_confirm(yes, "order(s)"), progress=bar
        ),
        PeopleImportError,
    )
    _rejected(path, done.report.errors)
    change = done.change
    typer.echo(
        f"{len(done.report.records)} orders read, {len(done.report.errors)} rows rejected; "
        f"added {change.added}, updated {change.updated}, removed {change.removed}; "
        f"{done.customers_added} new customers in {time.perf_counter() - started:.1f}s"
    )


@app.command("pages")
def pages(
    folder: Path = typer.Argument(..., help="A folder of Markdown, HTML or text pages."),
) -> None:
    """Add or update help pages (FAQ, policies): each file replaces its earlier version."""
    from assistant.page_import import PageImportError, import_pages
    from assistant.services import build_services

    if not folder.is_dir():
        typer.echo(f"error: {folder} is not a folder; nothing changed", err=True)
        raise typer.Exit(2)
    _, faq = build_services(get_settings()).indexes
    try:
        done = import_pages(faq, folder)
    except PageImportError as err:
        typer.echo(f"error: {err}; nothing changed", err=True)
        raise typer.Exit(2) from err
    for problem in done.problems:
        typer.echo(f"skipped {problem.reason}", err=True)
    typer.echo(
        f"{done.pages} pages: {done.added} passages added, {done.unchanged} unchanged, "
        f"{done.removed} removed, {len(done.problems)} files skipped in {done.seconds:.1f}s"
    )
