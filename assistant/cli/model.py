"""`shopassist model ...`: prepare the bundled chat model."""

from __future__ import annotations

import typer

from assistant.settings import get_settings

app = typer.Typer(help="Prepare the bundled chat model.", no_args_is_help=True)


@app.command("prepare")
def prepare(
    force: bool = typer.Option(False, "--force", help="Convert again even if already done."),
) -> None:
    """Convert the bundled SmolLM2-135M-Instruct GGUF into a safetensors model folder."""
    from assistant.llm.prepare import prepare_model

    prepare_model(get_settings().model_dir, force=force, progress=typer.echo)
