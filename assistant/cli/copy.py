"""`shopassist copy`: product listings written from the catalog, checked, approved."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import typer

from assistant.settings import get_settings

if TYPE_CHECKING:
    from assistant.copy.desk import CopyDesk
    from assistant.copy.draft import Length

app = typer.Typer(help="Product copy: write listings as drafts, list them, approve one.")


class LengthChoice(StrEnum):
    """How much copy to write."""

    short = "short"
    medium = "medium"
    long = "long"


def _desk() -> CopyDesk:
    from assistant.services import build_services

    return build_services(get_settings()).copy_desk


@app.command("write")
def write(
    product_id: str | None = typer.Argument(None, help="The product to write for."),
    all_products: bool = typer.Option(False, "--all", help="Every product of the catalog."),
    tone: str = typer.Option("friendly", help="Voice, e.g. professional, playful."),
    length: LengthChoice = typer.Option(LengthChoice.medium, help="How much to write."),
    audience: str = typer.Option("online shoppers", help="Who the copy speaks to."),
    fresh: bool = typer.Option(
        False, help="With --all: write again where a draft for this request exists."
    ),
    start_model: bool = typer.Option(True, help="Start the local model server when it is down."),
) -> None:
    """Write listings with the served model; each is checked and kept as a draft.

    With --all the run is resumable: products that already have a draft for the same tone,
    length and audience are skipped, so an interrupted run goes on where it stopped.
    """
    from rich.progress import Progress

    from assistant.cli.serve import model_server
    from assistant.presentation.text import render_text
    from assistant.tools.registry import ToolError

    if (product_id is None) == (not all_products):
        raise typer.BadParameter("give a PRODUCT_ID or --all (not both)")
    size: Length = length.value
    settings = get_settings()
    with model_server(settings, start_model):
        desk = _desk()
        if product_id is not None:
            try:
                written = desk.write(product_id, tone=tone, length=size, audience=audience)
            except ToolError as err:
                typer.echo(f"error: {err}", err=True)
                raise typer.Exit(2) from err
            verdict = "passed the check" if written.passed else "has problems (marked below)"
            typer.echo(f"draft {written.draft_id} for {written.name} {verdict}")
            typer.echo(render_text(written))
            return
        with Progress() as bar:
            task = bar.add_task("writing", total=desk.catalog.count())

            def progress(_: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            summary = desk.write_all(
                tone=tone, length=size, audience=audience, fresh=fresh, progress=progress
            )
        typer.echo(
            f"{summary.written} drafts written ({summary.passed_first_time} passed the check "
            f"first time, {summary.passed} in the end), {summary.skipped} already drafted, "
            f"{len(summary.failed)} without a usable draft"
        )
        for failure in summary.failed:
            typer.echo(f"  {failure}", err=True)


@app.command("drafts")
def drafts(
    product_id: str | None = typer.Option(None, help="Only this product's drafts."),
    status: str | None = typer.Option(None, help="draft, approved or superseded."),
) -> None:
    """List stored listings: id, product, status, whether the check passed."""
    from assistant.store.errors import StoreError

    desk = _desk()
    try:
        stored = desk.store.copy_drafts(product_id, status)
    except StoreError as err:
        raise typer.BadParameter(str(err)) from err
    for item in stored:
        shown = desk.shown(item)
        check = "passed" if shown.passed else f"{len(shown.problems)} problem(s)"
        typer.echo(f"{shown.draft_id}\t{shown.product_id}\t{shown.status}\t{check}\t{shown.title}")
    typer.echo(f"{len(stored)} listing(s)", err=True)


@app.command("approve")
def approve(draft_id: int = typer.Argument(..., help="The draft to approve.")) -> None:
    """Approve a draft: its text becomes the product's description, which search re-indexes."""
    from assistant.tools.registry import ToolError

    try:
        shown = _desk().approve(draft_id)
    except ToolError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    typer.echo(f"draft {shown.draft_id} approved: product {shown.product_id} re-indexed")
