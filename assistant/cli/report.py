"""`shopassist report`: what the store's logs say about the shop (click-through by source)."""

from __future__ import annotations

import json
from datetime import datetime

import typer

from assistant.settings import get_settings

app = typer.Typer(help="Reports from the store: click-through by source.", no_args_is_help=True)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an ISO date or time, e.g. 2025-01-31 or 2025-01-31T08:00+01:00",
            param_hint="--since",
        ) from None


@app.command("ctr")
def ctr(
    since: str | None = typer.Option(
        None, help="Only events at or after this ISO date or time (UTC unless it says)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
) -> None:
    """Impressions, clicks, cart adds, CTR and add-to-cart rate of search, recommendations,
    similar products and the rest."""
    from assistant.reports.ctr import ctr_report, format_table
    from assistant.store import Store

    start = _since(since)
    store = Store.from_settings(get_settings())
    try:
        rows = ctr_report(store.events(since=start))
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps([row.model_dump(mode="json") for row in rows], indent=2))
    else:
        typer.echo(format_table(rows))
