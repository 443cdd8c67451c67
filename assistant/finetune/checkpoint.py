"""Resumable training: the LoRA weights, optimizer state and progress, saved every few steps.

A CPU run takes an hour or more on a shared machine; a killed process resumes from its last
checkpoint instead of starting over. A checkpoint belongs to one run (configuration, data
and base model, hashed into its key) and is ignored by any other.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CHECKPOINT_FILE = "checkpoint.pt"


@dataclass
class Progress:
    """Where a run stands."""

    step: int = 0
    losses: list[float] = field(default_factory=list)
    seen_tokens: int = 0
    seen_targets: int = 0
    seconds: float = 0.0
    """Training time spent before this process started (resumed runs)."""


def run_key(config: dict[str, Any], texts: list[str], base_dir: Path) -> str:
    """Identity of a run: hyper-parameters (minus the step cap), data and base model."""
    digest = hashlib.sha256()
    settings = {k: v for k, v in config.items() if k not in ("max_steps", "threads")}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for text in texts:
        digest.update(hashlib.sha256(text.encode()).digest())
    digest.update((base_dir / "config.json").read_bytes())
    return digest.hexdigest()[:16]


def save_checkpoint(folder: Path, key: str, model: Any, optimizer: Any, progress: Progress) -> None:
    """Write the trainable weights, optimizer state and progress (atomically)."""
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    trainable = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    state = {
        "key": key,
        "weights": trainable,
        "optimizer": optimizer.state_dict(),
        "progress": asdict(progress),
    }
    tmp = folder / (CHECKPOINT_FILE + ".tmp")
    torch.save(state, tmp)
    tmp.replace(folder / CHECKPOINT_FILE)


def load_checkpoint(folder: Path, key: str, model: Any, optimizer: Any) -> Progress | None:
    """Restore a checkpoint of the same run into `model` and `optimizer`; None if there is none."""
    import torch

    path = folder / CHECKPOINT_FILE
    if not path.is_file():
        return None
    state = torch.load(path, map_location="cpu", weights_only=False)
    if state.get("key") != key:
        return None
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in state["weights"].items():
            params[name].copy_(value)
    optimizer.load_state_dict(state["optimizer"])
    return Progress(**state["progress"])


def clear_checkpoint(folder: Path) -> None:
    """Remove the checkpoint of a finished run."""
    (folder / CHECKPOINT_FILE).unlink(missing_ok=True)
