"""`shopassist` entry point: sub-commands for the model, the server, data and interfaces."""

from __future__ import annotations

import typer

from assistant.cli import copy, data, evals, finetune, imports, llm, model, report, run, train

app = typer.Typer(
    help="shopassist: a self-hostable shopping and customer-service assistant.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(model.app, name="model")
app.add_typer(llm.app, name="llm")
app.add_typer(data.app, name="data")
app.add_typer(finetune.app, name="finetune")
app.add_typer(evals.app, name="eval")
app.add_typer(copy.app, name="copy")
app.add_typer(imports.app, name="import")
app.add_typer(train.app, name="train")
app.add_typer(report.app, name="report")
run.register(app)


if __name__ == "__main__":
    app()
