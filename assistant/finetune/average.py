"""Average LoRA adapters into one: the mean of their weight changes ("model soup").

Stages continued from the same adapter on different dialogues land close to each other; the
mean of their weight changes can generalise better than any one of them (Wortsman et al.,
2022, "Model soups"). peft's `add_weighted_adapter` forms the mean; a truncated SVD brings it
back to the rank of its sources, so the result is as small as one adapter. The record says
how much of the mean the truncation lost. Adapters on different blocks average as if each
changed nothing on the blocks it lacks.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.finetune.train import (
    TrainConfig,
    adapter_blocks,
    adapter_hash,
    save_adapter,
    summarise,
    with_lora,
)

_EXACT = "exact"
_AVERAGE = "default"


def _truncation_error(model: Any) -> float:
    """Largest relative (Frobenius) gap between the exact mean and the truncated one."""
    import torch

    worst = 0.0
    for module in model.modules():
        lora_a = getattr(module, "lora_A", None)
        if not isinstance(lora_a, torch.nn.ModuleDict) or _AVERAGE not in lora_a:
            continue
        delta = {
            name: (module.lora_B[name].weight @ module.lora_A[name].weight) * module.scaling[name]
            for name in (_EXACT, _AVERAGE)
        }
        norm = float(torch.linalg.norm(delta[_EXACT]))
        if norm > 0:
            worst = max(worst, float(torch.linalg.norm(delta[_EXACT] - delta[_AVERAGE])) / norm)
    return worst


def average_adapters(
    base_dir: Path, sources: Sequence[Path], out_dir: Path, *, rank: int | None = None
) -> dict[str, Any]:
    """Write the mean of `sources` as one LoRA adapter in `out_dir`; returns its record.

    Args:
        base_dir: The base model the adapters were trained on.
        sources: Two or more adapter folders of that base model.
        out_dir: Output folder (its adapter files are replaced).
        rank: Rank of the result; the largest rank of the sources when not given.

    Raises:
        ValueError: fewer than two sources, or `out_dir` is one of them.
        FileNotFoundError: a source holds no adapter.
    """
    if len(sources) < 2:
        raise ValueError(f"averaging needs two or more adapters, got {len(sources)}")
    if any(out_dir.resolve() == source.resolve() for source in sources):
        raise ValueError(f"{out_dir} is one of the adapters to average: write elsewhere")
    summaries = [summarise(source) for source in sources]  # raises for a missing adapter
    with tempfile.TemporaryDirectory() as scratch:
        model = _mean(base_dir, _on_the_same_blocks(base_dir, sources, Path(scratch)), rank)
    error = _truncation_error(model)
    model.set_adapter(_AVERAGE)
    for name in [name for name in model.peft_config if name != _AVERAGE]:
        model.delete_adapter(name)
    save_adapter(model, out_dir)
    record = {
        "average": summaries,
        "rank": model.peft_config[_AVERAGE].r,
        "truncation_error": round(error, 6),
        "base_model": base_dir.name,
        "adapter_hash": adapter_hash(out_dir),
    }
    (out_dir / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def _mean(base_dir: Path, sources: Sequence[Path], rank: int | None) -> Any:
    """The base model with `sources` loaded, their exact mean and its rank cut added."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    names = [f"source{n}" for n in range(len(sources))]
    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    model: Any = PeftModel.from_pretrained(base, str(sources[0]), adapter_name=names[0])
    for name, source in zip(names[1:], sources[1:], strict=True):
        model.load_adapter(str(source), adapter_name=name)
    ranks = [model.peft_config[name].r for name in names]
    weights = [1.0 / len(sources)] * len(sources)
    model.add_weighted_adapter(names, weights, _EXACT, combination_type="cat")
    model.add_weighted_adapter(
        names, weights, _AVERAGE, combination_type="svd", svd_rank=rank or max(ranks)
    )
    return model


def _on_the_same_blocks(base_dir: Path, sources: Sequence[Path], scratch: Path) -> list[Path]:
    """`sources`, each on every block from the lowest any of them adapts to the top: a
    narrower one is widened into `scratch`, its added blocks changing nothing."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    layers = AutoConfig.from_pretrained(base_dir).num_hidden_layers
    blocks = [adapter_blocks(source, layers) for source in sources]
    first = min(min(own) for own in blocks)
    config = TrainConfig(lora_layers=layers - first)
    target = set(range(first, layers))
    same: list[Path] = []
    for n, (source, own) in enumerate(zip(sources, blocks, strict=True)):
        if own == target:
            same.append(source)
            continue
        model = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
        save_adapter(with_lora(model, config, source), scratch / f"source{n}")
        same.append(scratch / f"source{n}")
    return same
