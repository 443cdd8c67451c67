"""Merge the LoRA adapter into the base model: a plain float32 model folder vLLM serves.

Idempotent and cheap to call: the output folder records the hash of the adapter (and the
base model's config) it was built from, and a call with the same inputs does nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

from assistant.finetune import ADAPTER_DIR
from assistant.finetune.train import adapter_hash

MERGED_MARKER = "shopassist-merged.json"
_COPIED = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
           "chat_template.jinja", "generation_config.json")  # fmt: skip


def _build_key(base_dir: Path, adapter_dir: Path) -> str:
    base = hashlib.sha256((base_dir / "config.json").read_bytes()).hexdigest()[:16]
    weights = base_dir / "model.safetensors"
    stamp = f"{weights.stat().st_size}" if weights.is_file() else "?"
    return f"{adapter_hash(adapter_dir)}:{base}:{stamp}"


def is_up_to_date(base_dir: Path, adapter_dir: Path, out_dir: Path) -> bool:
    """True when `out_dir` holds the merge of exactly this adapter and base model."""
    marker = out_dir / MERGED_MARKER
    if not marker.is_file() or not (out_dir / "model.safetensors").is_file():
        return False
    try:
        recorded = json.loads(marker.read_text()).get("key")
    except ValueError:
        return False
    return recorded == _build_key(base_dir, adapter_dir)


def merge_adapter(base_dir: Path, out_dir: Path, adapter_dir: Path = ADAPTER_DIR) -> Path:
    """Merge `adapter_dir` into the model in `base_dir`, writing `out_dir` (skipped when up
    to date). Returns the merged model folder.

    Args:
        base_dir: The converted base model (`shopassist model prepare`).
        out_dir: Output folder (`Settings.finetuned_model_dir` for the served model).
        adapter_dir: A LoRA adapter folder (`adapter_config.json`, `adapter_model.safetensors`).
    """
    if not (base_dir / "config.json").is_file():
        raise FileNotFoundError(f"no base model in {base_dir}: run `shopassist model prepare`")
    if is_up_to_date(base_dir, adapter_dir, out_dir):
        return out_dir
    key = _build_key(base_dir, adapter_dir)

    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    started = time.perf_counter()
    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    model = PeftModel.from_pretrained(base, str(adapter_dir), torch_device="cpu")
    merged = model.merge_and_unload()
    merged = merged.to(torch.float32)
    # Written next to the target and renamed, so a failed merge never leaves half a model.
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    merged.save_pretrained(staging, safe_serialization=True)
    for name in _COPIED:
        if (base_dir / name).is_file():
            shutil.copy2(base_dir / name, staging / name)
    (staging / MERGED_MARKER).write_text(
        json.dumps(
            {
                "key": key,
                "base_model": str(base_dir),
                "adapter": str(adapter_dir),
                "seconds": round(time.perf_counter() - started, 1),
            },
            indent=2,
        )
        + "\n"
    )
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    return out_dir
