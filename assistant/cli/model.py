"""`shopassist model ...`: prepare the bundled chat model."""

from __future__ import annotations

import typer

from assistant.settings import get_settings

app = typer.Typer(help="Prepare the bundled chat model.", no_args_is_help=True)


@app.command("prepare")
def prepare(
    force: bool = typer.Option(False, "--force", help="Convert again even if already done."),
) -> None:
    """Convert the bundled SmolLM2-135M-Instruct GGUF into a safetensors model folder; with
    SHOPASSIST_LLM_FINETUNED on, also merge the committed fine-tuning adapter into it."""
    from assistant.finetune.served import prepare_served_model
    from assistant.llm.prepare import prepare_model

    settings = get_settings()
    if force:
        prepare_model(settings.model_dir, force=True, progress=typer.echo)
    served = prepare_served_model(settings, progress=typer.echo)
    typer.echo(f"served model: {served}")
