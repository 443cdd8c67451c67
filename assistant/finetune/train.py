"""LoRA training of the chat model on the generated dialogues (CPU, transformers + peft).

One sequence per micro-step (no padding is computed), loss only on the target spans, AdamW
with warm-up and linear decay, seeded. The adapter is written to
`assistant/finetune/adapter/` (LoRA weights stored in float16 to keep it small enough to
commit) with a `training.json` record; `merge.merge_adapter` then builds the merged model.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.finetune import DECISION_TOKENS
from assistant.finetune.checkpoint import (
    Progress,
    clear_checkpoint,
    load_checkpoint,
    run_key,
    save_checkpoint,
)
from assistant.finetune.examples import Example, tokens_in_spans

TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
"""Attention and MLP projections of the Llama-style SmolLM2 blocks."""
IGNORE = -100


@dataclass
class TrainConfig:
    """Hyper-parameters of one training run."""

    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    learning_rate: float = 3e-4
    warmup_ratio: float = 0.05
    weight_decay: float = 0.0
    epochs: float = 1.0
    accumulate: int = 1
    """Sequences per optimizer step."""
    lora_layers: int | None = 15
    """Adapt only the top N transformer blocks (None: all). The blocks below then run
    without building a backward graph, which halves backward cost and activation memory;
    on two CPU cores that is what makes a run fit in about an hour."""
    decision_weight: float = 1.0
    """Loss weight of the first `decision_tokens` tokens of every target. They hold the
    decision (which tool, or whether to answer, ask or refuse); the rest of a target, mostly
    ids and arguments copied from the context, would otherwise dominate the mean loss."""
    decision_tokens: int = DECISION_TOKENS
    """Tokens of a target that `decision_weight` weighs."""
    max_tokens: int = 4608
    """Longer sequences are cut at the last target that fits."""
    max_steps: int | None = None
    """Stop after this many optimizer steps of the run's schedule: a smoke run, or a snapshot
    of a longer run (running again without the cap continues it from its checkpoint)."""
    limit: int | None = None
    """Use only the first N sequences (after shuffling)."""
    seed: int = 0
    gradient_checkpointing: bool = False
    """Recompute activations in backward: a 4k-token sequence needs about 2 GB instead of
    8 GB, for machines short of memory, but training runs at half the speed (measured on two
    cores: about 50 instead of 100 tokens/s)."""
    checkpoint_every: int = 5
    """Optimizer steps between resumable checkpoints."""
    threads: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.rank <= 16:
            raise ValueError(f"rank must be between 1 and 16, got {self.rank}")
        if self.epochs <= 0 or self.learning_rate <= 0 or self.accumulate < 1:
            raise ValueError("epochs, learning_rate and accumulate must be positive")
        if self.decision_weight <= 0 or self.decision_tokens < 0:
            raise ValueError("decision_weight must be positive and decision_tokens 0 or more")
        if self.max_steps is not None and self.max_steps < 1:
            raise ValueError(f"max_steps must be at least 1, got {self.max_steps}")


@dataclass
class TrainResult:
    """What a run did and how fast."""

    steps: int
    sequences: int
    tokens: int
    target_tokens: int
    seconds: float
    tokens_per_second: float
    first_loss: float
    last_loss: float
    losses: list[float] = field(default_factory=list)
    """Mean target loss per optimizer step."""


@dataclass
class Encoded:
    """One tokenized training sequence."""

    input_ids: list[int]
    labels: list[int]
    weights: list[float]
    """Loss weight of each position (counted where its label is a target)."""

    @property
    def target_tokens(self) -> int:
        """Tokens the loss is computed on."""
        return sum(1 for label in self.labels if label != IGNORE)


def encode(
    tokenizer: Any,
    example: Example,
    max_tokens: int,
    decision_weight: float = 1.0,
    decision_tokens: int = DECISION_TOKENS,
) -> Encoded | None:
    """Token ids and labels (target tokens only); cut at the last target that fits.

    The first `decision_tokens` tokens of each target weigh `decision_weight` in the loss.
    Returns None when not even the first target fits in `max_tokens`.
    """
    enc = tokenizer(example.text, add_special_tokens=False, return_offsets_mapping=True)
    ids: list[int] = enc["input_ids"]
    targets = tokens_in_spans(enc["offset_mapping"], example.spans)
    labels = [IGNORE] * len(ids)
    weights = [1.0] * len(ids)
    for inside in targets:
        for rank, n in enumerate(inside):
            labels[n] = ids[n]
            if rank < decision_tokens:
                weights[n] = decision_weight
    if len(ids) > max_tokens:
        ends = [inside[-1] + 1 for inside in targets if inside and inside[-1] + 1 <= max_tokens]
        if not ends:
            return None
        cut = max(ends)
        ids, labels, weights = ids[:cut], labels[:cut], weights[:cut]
    return Encoded(ids, labels, weights)


def lr_at(step: int, total: int, warmup: int) -> float:
    """Learning-rate factor: linear warm-up, then linear decay to 10%."""
    if step < warmup:
        return (step + 1) / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return max(0.1, 1.0 - 0.9 * progress)


def adapter_hash(adapter_dir: Path) -> str:
    """Content hash of the adapter's config and weights."""
    import hashlib

    digest = hashlib.sha256()
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        path = adapter_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"no {name} in {adapter_dir}: train or restore the adapter")
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train(
    base_dir: Path,
    examples: Sequence[Example],
    adapter_dir: Path,
    config: TrainConfig,
    *,
    progress: Callable[[str], None] = print,
    data_manifest: dict[str, Any] | None = None,
    checkpoint_dir: Path | None = None,
    init_adapter: Path | None = None,
) -> TrainResult:
    """Train a LoRA adapter on `examples` and save it to `adapter_dir`.

    Args:
        base_dir: The base model folder (float32 safetensors + tokenizer).
        examples: Training sequences from `datagen`.
        adapter_dir: Output folder (replaced).
        config: Hyper-parameters.
        progress: Receives one line per report.
        data_manifest: Recorded in `training.json` (what data the adapter was trained on).
        checkpoint_dir: Save progress here every `config.checkpoint_every` steps, and resume
            from a checkpoint of the same run found there. None: no checkpoints.
        init_adapter: Continue training this adapter (at its rank, widened to the blocks
            `config.lora_layers` asks for if it has fewer) instead of a fresh one; its
            `training.json` is kept in the new record as `init`.
    """
    import torch
    from tqdm import tqdm
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not examples:
        raise ValueError("no training examples: run `shopassist finetune data` first")
    if not (base_dir / "config.json").is_file():
        raise FileNotFoundError(f"no model in {base_dir}: run `shopassist model prepare` first")
    init_summary = summarise(init_adapter) if init_adapter is not None else None
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)

    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    order = list(examples)
    random.Random(config.seed).shuffle(order)
    if config.limit is not None:
        order = order[: config.limit]
    encoded: list[Encoded] = []
    for example in order:
        e = encode(
            tokenizer, example, config.max_tokens, config.decision_weight, config.decision_tokens
        )
        if e is not None:
            encoded.append(e)
    skipped = len(order) - len(encoded)
    if skipped:
        progress(f"skipped {skipped} sequences whose first target does not fit {config.max_tokens}")
    if not encoded:
        raise ValueError("no training sequence fits max_tokens")
    whole, part = divmod(config.epochs, 1)
    schedule = encoded * int(whole) + encoded[: math.ceil(part * len(encoded))]
    total_steps = uncapped_steps = math.ceil(len(schedule) / config.accumulate)
    # The learning-rate schedule is the whole run's: a capped run is the first steps of
    # that run, so its checkpoint continues it and its adapter is a snapshot of it.
    warmup = max(1, round(config.warmup_ratio * uncapped_steps))
    if config.max_steps is not None:
        total_steps = min(total_steps, config.max_steps)
        schedule = schedule[: total_steps * config.accumulate]

    model = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    model = with_lora(model, config, init_adapter)
    if config.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.config.use_cache = False
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay)
    trainable = sum(p.numel() for p in params)
    tokens_total = sum(len(e.input_ids) for e in schedule)
    progress(
        f"training {trainable / 1e6:.2f}M LoRA parameters on {len(schedule)} sequences "
        f"({tokens_total} tokens), {total_steps} steps"
    )

    init_hash = init_summary["adapter_hash"] if init_summary is not None else None
    key = run_key(asdict(config) | {"init": init_hash}, [e.text for e in order], base_dir)
    state = Progress()
    if checkpoint_dir is not None:
        state = load_checkpoint(checkpoint_dir, key, model, optimizer) or state
        if state.step:
            progress(f"resuming from the checkpoint at step {state.step}")
    losses = state.losses
    seen_tokens, seen_targets = state.seen_tokens, state.seen_targets
    started = time.perf_counter() - state.seconds
    bar = tqdm(total=total_steps, initial=state.step, unit="step", dynamic_ncols=True)
    for step in range(state.step, total_steps):
        batch = schedule[step * config.accumulate : (step + 1) * config.accumulate]
        factor = lr_at(step, uncapped_steps, warmup)
        for group in optimizer.param_groups:
            group["lr"] = config.learning_rate * factor
        targets = sum(e.target_tokens for e in batch)
        step_loss = 0.0
        for item in batch:
            ids = torch.tensor([item.input_ids])
            # Logits only where a target token is predicted: the vocabulary projection is
            # a fifth of the model's compute, and most positions are context.
            positions = [n - 1 for n, label in enumerate(item.labels) if label != IGNORE and n]
            keep = torch.tensor(positions)
            logits = model(input_ids=ids, logits_to_keep=keep).logits[0]
            expected = torch.tensor([item.labels[n + 1] for n in positions])
            token_loss = torch.nn.functional.cross_entropy(
                logits.float(), expected, reduction="none"
            )
            weights = torch.tensor([item.weights[n + 1] for n in positions])
            ((token_loss * weights).sum() / targets).backward()
            step_loss += token_loss.sum().item()
            seen_tokens += len(item.input_ids)
            seen_targets += item.target_tokens
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(step_loss / max(1, targets))
        elapsed = time.perf_counter() - started
        bar.set_postfix(loss=f"{losses[-1]:.3f}", tok_s=f"{seen_tokens / elapsed:.0f}")
        bar.update(1)
        if (step + 1) % 10 == 0 or step + 1 == total_steps:
            recent = losses[-10:]
            progress(
                f"step {step + 1}/{total_steps} loss {sum(recent) / len(recent):.4f} "
                f"tokens {seen_tokens} ({seen_tokens / elapsed:.0f} tok/s, {elapsed / 60:.1f} min)"
            )
        capped_end = step + 1 == total_steps < uncapped_steps
        if checkpoint_dir is not None and ((step + 1) % config.checkpoint_every == 0 or capped_end):
            done = Progress(step + 1, losses, seen_tokens, seen_targets, elapsed)
            save_checkpoint(checkpoint_dir, key, model, optimizer, done)
    bar.close()
    seconds = time.perf_counter() - started

    save_adapter(model, adapter_dir)
    result = TrainResult(
        steps=total_steps,
        sequences=len(schedule),
        tokens=seen_tokens,
        target_tokens=seen_targets,
        seconds=round(seconds, 1),
        tokens_per_second=round(seen_tokens / seconds, 1),
        first_loss=round(losses[0], 4),
        last_loss=round(sum(losses[-10:]) / len(losses[-10:]), 4),
        losses=[round(x, 4) for x in losses],
    )
    record = {
        "config": asdict(config),
        "result": asdict(result),
        "planned_steps": uncapped_steps,
        "base_model": base_dir.name,
        "data": data_manifest or {},
        "adapter_hash": adapter_hash(adapter_dir),
    }
    if init_summary is not None:
        record["init"] = init_summary
    (adapter_dir / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    if checkpoint_dir is not None and total_steps == uncapped_steps:
        # Finished: the next run starts afresh. A run cut short by max_steps keeps its
        # checkpoint, so running again without the cap continues it.
        clear_checkpoint(checkpoint_dir)
    progress(
        f"done: {total_steps} steps, {seen_tokens} tokens in {seconds / 60:.1f} min "
        f"({result.tokens_per_second} tok/s); adapter in {adapter_dir}"
    )
    return result


def with_lora(model: Any, config: TrainConfig, init_adapter: Path | None) -> Any:
    """`model` with trainable LoRA on its top `config.lora_layers` blocks: fresh, or
    `init_adapter` continued.

    An init adapter on fewer blocks than asked for is widened: its weights are kept and the
    other blocks get fresh LoRA at the adapter's rank, which changes nothing until trained
    (peft starts every LoRA B matrix at zero).
    """
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model, set_peft_model_state_dict
    from safetensors.torch import load_file

    layers = model.config.num_hidden_layers
    first = 0 if config.lora_layers is None else max(0, layers - config.lora_layers)
    wanted = set(range(first, layers))
    if init_adapter is None:
        lora = LoraConfig(
            r=config.rank,
            lora_alpha=config.alpha,
            lora_dropout=config.dropout,
            target_modules=list(TARGET_MODULES),
            layers_to_transform=sorted(wanted),
            bias="none",
            task_type="CAUSAL_LM",
        )
        return get_peft_model(model, lora)
    init = LoraConfig.from_pretrained(str(init_adapter))
    have = adapter_blocks(init_adapter, layers)
    if wanted <= have:
        model = PeftModel.from_pretrained(model, init_adapter, is_trainable=True)
    else:
        init.layers_to_transform = sorted(wanted | have)
        init.inference_mode = False
        model = get_peft_model(model, init)
        weights = load_file(str(init_adapter / "adapter_model.safetensors"))
        placed: Any = set_peft_model_state_dict(model, weights)
        unplaced = placed.unexpected_keys
        if unplaced:
            raise ValueError(f"{init_adapter}: weights the widened adapter has no place for")
    cast_lora(model, torch.float32)  # the committed weights are float16
    return model


def adapter_blocks(adapter_dir: Path, layers: int) -> set[int]:
    """The blocks an adapter has LoRA on, of a model with `layers` blocks."""
    from peft import LoraConfig

    return set(LoraConfig.from_pretrained(str(adapter_dir)).layers_to_transform or range(layers))


def save_adapter(model: Any, adapter_dir: Path) -> None:
    """Save the LoRA weights in float16 (half the size; merging casts them back)."""
    import torch

    adapter_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("adapter_model.safetensors", "adapter_model.bin", "training.json"):
        (adapter_dir / stale).unlink(missing_ok=True)
    cast_lora(model, torch.float16)
    model.save_pretrained(adapter_dir, safe_serialization=True)
    cast_lora(model, torch.float32)
    config = json.loads((adapter_dir / "adapter_config.json").read_text())
    # A relative-free config: the base model is chosen by whoever loads the adapter.
    config["base_model_name_or_path"] = None
    (adapter_dir / "adapter_config.json").write_text(json.dumps(config, indent=2) + "\n")
    # peft writes a generic model card; the adapter is described by training.json instead.
    (adapter_dir / "README.md").unlink(missing_ok=True)


def cast_lora(model: Any, dtype: Any) -> None:
    """Cast the model's LoRA weights to `dtype` in place (the base weights stay as they are)."""
    for name, param in model.named_parameters():
        if "lora_" in name:
            param.data = param.data.to(dtype)


def read_record(adapter_dir: Path) -> dict[str, Any]:
    """An adapter's `training.json` (empty when it has none).

    Raises:
        FileNotFoundError: `adapter_dir` holds no adapter.
    """
    if not (adapter_dir / "adapter_config.json").is_file():
        raise FileNotFoundError(f"no LoRA adapter in {adapter_dir}")
    record = adapter_dir / "training.json"
    return json.loads(record.read_text()) if record.is_file() else {}


def summarise(adapter_dir: Path) -> dict[str, Any]:
    """An adapter's record as another record keeps it: its hash, its run without the loss
    curve, and what it came from (the run it continued, the adapters it averages).

    Raises:
        FileNotFoundError: `adapter_dir` holds no adapter.
    """
    record = read_record(adapter_dir)
    summary: dict[str, Any] = {"adapter_hash": adapter_hash(adapter_dir)}
    summary |= {k: record.get(k) for k in ("config", "planned_steps", "data", "init")}
    if "average" in record:
        summary["average"] = record["average"]
    summary["result"] = {k: v for k, v in record.get("result", {}).items() if k != "losses"}
    return summary


def load_examples(path: Path) -> list[Example]:
    """Training sequences from a `train.jsonl` written by `datagen`."""
    from assistant.finetune.datagen import read_jsonl

    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run `shopassist finetune data` first")
    return [Example.from_json(row) for row in read_jsonl(path)]
