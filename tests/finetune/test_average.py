"""Averaging adapters: the result's weight change is the mean of the sources' changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.finetune.average import average_adapters
from assistant.finetune.merge import merge_adapter
from assistant.finetune.train import TrainConfig, adapter_hash, train

pytestmark = pytest.mark.slow


def _deltas(adapter: Path) -> dict[str, Any]:
    """Each adapted module's weight change, scaling included."""
    from safetensors.torch import load_file

    config = json.loads((adapter / "adapter_config.json").read_text())
    scaling = config["lora_alpha"] / config["r"]
    weights = load_file(adapter / "adapter_model.safetensors")
    return {
        name.removesuffix(".lora_A.weight"): (
            weights[name.replace("lora_A", "lora_B")].float() @ weights[name].float()
        )
        * scaling
        for name in weights
        if "lora_A" in name
    }


@pytest.fixture(scope="module")
def two_adapters(model_dir: Path, smoke_examples: list[Any], tmp_path_factory: Any) -> list[Path]:
    """Two short runs from different seeds: different weight changes on the same modules."""
    root = tmp_path_factory.mktemp("sources")
    adapters = []
    for seed in (1, 2):
        adapter = root / f"seed{seed}"
        config = TrainConfig(max_steps=2, learning_rate=1e-3, lora_layers=2, seed=seed, rank=4)
        train(model_dir, smoke_examples, adapter, config, progress=lambda _: None)
        adapters.append(adapter)
    return adapters


def test_the_average_is_the_mean_weight_change(
    model_dir: Path, two_adapters: list[Path], tmp_path: Path
) -> None:
    import torch

    out = tmp_path / "average"
    record = average_adapters(model_dir, two_adapters, out, rank=8)  # room for both: exact
    sources = [_deltas(adapter) for adapter in two_adapters]
    mean = {name: (sources[0][name] + sources[1][name]) / 2 for name in sources[0]}
    averaged = _deltas(out)
    assert averaged.keys() == mean.keys() and mean
    assert not torch.allclose(sources[0][next(iter(mean))], sources[1][next(iter(mean))])
    for name, delta in mean.items():
        assert torch.allclose(averaged[name], delta, atol=1e-5), name
    assert record["rank"] == 8 and record["truncation_error"] < 1e-3
    assert [s["adapter_hash"] for s in record["average"]] == [adapter_hash(a) for a in two_adapters]
    assert record["adapter_hash"] == adapter_hash(out)
    assert json.loads((out / "training.json").read_text()) == record


def test_the_average_keeps_the_sources_rank_and_says_what_it_lost(
    model_dir: Path, smoke_examples: list[Any], two_adapters: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "average"
    record = average_adapters(model_dir, two_adapters, out)
    config = json.loads((out / "adapter_config.json").read_text())
    assert record["rank"] == config["r"] == 4
    assert 0 < record["truncation_error"] < 1  # two rank-4 changes: their mean has rank 8
    assert (merge_adapter(model_dir, tmp_path / "merged", out) / "config.json").is_file()

    # A run continued from the average keeps what the average was made of.
    continued = tmp_path / "continued"
    config = TrainConfig(max_steps=1, learning_rate=1e-9, lora_layers=2, seed=3)
    train(
        model_dir,
        smoke_examples,
        continued,
        config,
        progress=lambda _: None,
        init_adapter=out,
    )
    init = json.loads((continued / "training.json").read_text())["init"]
    assert init["adapter_hash"] == record["adapter_hash"]
    assert init["average"] == record["average"]


def test_adapters_on_different_blocks_average_as_if_each_changed_nothing_where_it_has_none(
    model_dir: Path, smoke_examples: list[Any], two_adapters: list[Path], tmp_path: Path
) -> None:
    import torch

    wider = tmp_path / "wider"
    config = TrainConfig(max_steps=2, learning_rate=1e-3, lora_layers=4, seed=3, rank=4)
    train(model_dir, smoke_examples, wider, config, progress=lambda _: None)
    out = tmp_path / "average"
    average_adapters(model_dir, [two_adapters[0], wider], out, rank=8)
    narrow, wide, averaged = _deltas(two_adapters[0]), _deltas(wider), _deltas(out)
    assert averaged.keys() == wide.keys() and len(wide) == 2 * len(narrow)
    for name, delta in wide.items():
        mean = (delta + narrow[name]) / 2 if name in narrow else delta / 2
        assert torch.allclose(averaged[name], mean, atol=1e-5), name


def test_bad_sources_are_refused(model_dir: Path, two_adapters: list[Path], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="two or more adapters, got 1"):
        average_adapters(model_dir, two_adapters[:1], tmp_path / "out")
    with pytest.raises(ValueError, match="is one of the adapters to average"):
        average_adapters(model_dir, two_adapters, two_adapters[1])
    with pytest.raises(FileNotFoundError, match="no LoRA adapter in"):
        average_adapters(model_dir, [two_adapters[0], tmp_path], tmp_path / "out")
    assert not (tmp_path / "out").exists()
