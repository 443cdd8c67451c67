"""A smoke LoRA run: a few steps on tiny sequences, an adapter that loads, an idempotent merge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.finetune.merge import MERGED_MARKER, is_up_to_date, merge_adapter
from assistant.finetune.train import TrainConfig, adapter_hash, encode, train

pytestmark = pytest.mark.slow


def test_labels_cover_exactly_the_target_tokens(tokenizer: Any, smoke_examples: list[Any]) -> None:
    example = smoke_examples[0]
    encoded = encode(tokenizer, example, max_tokens=10_000)
    assert encoded is not None
    labelled = [
        t for t, label in zip(encoded.input_ids, encoded.labels, strict=True) if label != -100
    ]
    start, end = example.spans[0]
    assert tokenizer.decode(labelled) == example.text[start:end]
    assert encode(tokenizer, example, max_tokens=5) is None


def test_the_decision_tokens_of_each_target_weigh_more(
    tokenizer: Any, smoke_examples: list[Any]
) -> None:
    """The first tokens of a tool call, up to its tool name, carry the decision weight; the
    arguments after it and the context keep weight 1."""
    example = smoke_examples[0]
    encoded = encode(tokenizer, example, 10_000, decision_weight=4.0, decision_tokens=16)
    assert encoded is not None
    weighed = [t for t, w in zip(encoded.input_ids, encoded.weights, strict=True) if w == 4.0]
    assert tokenizer.decode(weighed).startswith('<tool_call>[{"name": "search_products')
    assert len(weighed) == 16
    pairs = zip(encoded.labels, encoded.weights, strict=True)
    assert all(label != -100 for label, weight in pairs if weight == 4.0)
    plain = encode(tokenizer, example, 10_000)
    assert plain is not None and set(plain.weights) == {1.0}


def test_the_decision_weight_changes_what_a_step_learns(
    model_dir: Path, smoke_examples: list[Any], tmp_path: Path
) -> None:
    """Same seed and data: the same weight gives the same adapter, another weight another."""

    def run(name: str, weight: float) -> str:
        config = TrainConfig(
            max_steps=1, learning_rate=1e-3, lora_layers=2, seed=1, decision_weight=weight
        )
        train(model_dir, smoke_examples, tmp_path / name, config, progress=lambda _: None)
        return adapter_hash(tmp_path / name)

    assert run("a", 1.0) == run("b", 1.0)
    assert run("c", 4.0) != run("a", 1.0)


def test_smoke_training_writes_an_adapter_that_loads_and_merges(
    model_dir: Path, smoke_examples: list[Any], tmp_path: Path
) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    adapter = tmp_path / "adapter"
    config = TrainConfig(max_steps=2, learning_rate=1e-3, lora_layers=2, seed=1)
    result = train(model_dir, smoke_examples, adapter, config, progress=lambda _: None)
    assert result.steps == 2 and result.tokens > 0 and result.tokens_per_second > 0
    record = json.loads((adapter / "training.json").read_text())
    assert record["adapter_hash"] == adapter_hash(adapter)
    assert record["config"]["lora_layers"] == 2

    base = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    loaded = PeftModel.from_pretrained(base, str(adapter))
    trained_b = [p for n, p in loaded.named_parameters() if "lora_B" in n]
    assert trained_b and any(p.abs().sum() > 0 for p in trained_b)  # B starts at zero

    merged_dir = merge_adapter(model_dir, tmp_path / "merged", adapter)
    assert is_up_to_date(model_dir, adapter, merged_dir)
    stamp = (merged_dir / MERGED_MARKER).stat().st_mtime_ns
    assert merge_adapter(model_dir, merged_dir, adapter) == merged_dir
    assert (merged_dir / MERGED_MARKER).stat().st_mtime_ns == stamp  # up to date: skipped

    merged = AutoModelForCausalLM.from_pretrained(merged_dir, dtype=torch.float32).state_dict()
    original = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).state_dict()
    top = f"model.layers.{len(base.model.layers) - 1}.self_attn.q_proj.weight"
    assert not torch.equal(merged[top], original[top])
    assert torch.equal(
        merged["model.layers.0.self_attn.q_proj.weight"],
        original["model.layers.0.self_attn.q_proj.weight"],
    )

    config_path = adapter / "adapter_config.json"
    config_path.write_text(config_path.read_text().replace('"r": 16', '"r":16'))
    assert not is_up_to_date(model_dir, adapter, merged_dir)


def test_a_run_cut_short_resumes_from_its_checkpoint(
    model_dir: Path, smoke_examples: list[Any], tmp_path: Path
) -> None:
    from assistant.finetune.checkpoint import CHECKPOINT_FILE

    checkpoints = tmp_path / "checkpoints"
    settings = {"learning_rate": 1e-3, "lora_layers": 1, "checkpoint_every": 5}
    lines: list[str] = []

    def run(**overrides: Any) -> Any:
        config = TrainConfig(**(settings | overrides))
        return train(
            model_dir,
            smoke_examples,
            tmp_path / "adapter",
            config,
            progress=lines.append,
            checkpoint_dir=checkpoints,
        )

    assert run(max_steps=1, seed=1).steps == 1
    assert (checkpoints / CHECKPOINT_FILE).is_file()
    snapshot = json.loads((tmp_path / "adapter" / "training.json").read_text())
    assert snapshot["result"]["steps"] == 1 and snapshot["planned_steps"] == 2
    other_run = run(max_steps=1, seed=2)  # another seed is another run: no resuming
    assert other_run.steps == 1 and not any("resuming" in line for line in lines)
    run(max_steps=1, seed=1)  # seed 2 replaced it: write seed 1's checkpoint again
    lines.clear()
    resumed = run(seed=1)
    assert any("resuming from the checkpoint at step 1" in line for line in lines)
    assert resumed.steps == 2 and len(resumed.losses) == 2
    assert not (checkpoints / CHECKPOINT_FILE).exists()


def test_training_can_continue_an_existing_adapter(
    model_dir: Path, smoke_examples: list[Any], tmp_path: Path
) -> None:
    from safetensors.torch import load_file

    first = tmp_path / "first"
    train(
        model_dir,
        smoke_examples,
        first,
        TrainConfig(max_steps=2, learning_rate=1e-3, lora_layers=2, seed=1),
        progress=lambda _: None,
    )
    with pytest.raises(FileNotFoundError, match="no LoRA adapter in"):
        train(model_dir, smoke_examples, tmp_path / "x", TrainConfig(), init_adapter=tmp_path)

    # A vanishing learning rate: the continued adapter is the first one, not a fresh start
    # (a fresh LoRA B is all zeros); asked for more blocks, it is widened to them, and the
    # new blocks start at no change.
    second = tmp_path / "second"
    config = TrainConfig(max_steps=1, learning_rate=1e-9, lora_layers=4, seed=2)
    train(model_dir, smoke_examples, second, config, progress=lambda _: None, init_adapter=first)
    before = load_file(first / "adapter_model.safetensors")
    after = load_file(second / "adapter_model.safetensors")
    b_weights = [name for name in before if "lora_B" in name]
    assert b_weights and any(before[name].abs().sum() > 0 for name in b_weights)
    for name in before:
        assert (before[name].float() - after[name].float()).abs().max() < 1e-3, name
    added = {name for name in after.keys() - before.keys() if "lora_B" in name}
    layers = {int(name.split(".layers.")[1].split(".")[0]) for name in after}
    assert len(layers) == 4 and len(added) == len(b_weights)  # two blocks more, as many B
    assert all(after[name].abs().max() < 1e-3 for name in added)
    record = json.loads((second / "training.json").read_text())
    assert record["init"]["adapter_hash"] == adapter_hash(first)
    assert record["init"]["result"]["steps"] == 2
