"""`shopassist train reranker`: fine-tune the search re-ranker on the store's own catalog."""

from __future__ import annotations

import typer

from assistant.settings import get_settings

app = typer.Typer(help="Train the store's models.", no_args_is_help=True)


@app.command("reranker")
def reranker(
    seed: int = typer.Option(17, help="Seed of the generated queries and of training."),
    queries_per_type: int = typer.Option(16, help="Generated queries per product type."),
    max_steps: int = typer.Option(-1, help="Stop after this many steps (-1: one epoch)."),
) -> None:
    """Fine-tune a cross-encoder (from the bundled MiniLM) on query → item pairs generated
    from the catalog, into <data dir>/models/reranker; `SHOPASSIST_RERANK=1` then uses it.

    On a 2-core machine the demo catalog (about 4,300 pairs) takes about 25 minutes.
    """
    from retrieval.reranker import train_reranker

    settings = get_settings()
    from assistant.services import build_services

    catalog, _ = build_services(settings).indexes
    products = catalog.products()
    if not products:
        typer.echo("error: the catalog is empty; import one first", err=True)
        raise typer.Exit(2)
    out = settings.data_dir / "models" / "reranker"
    record = train_reranker(
        products, out, seed=seed, queries_per_type=queries_per_type, max_steps=max_steps
    )
    typer.echo(f"re-ranker written to {out}: {record}")
