"""The model the local vLLM server loads: the bundled SmolLM2, or it with the committed adapter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.finetune import ADAPTER_DIR
from assistant.llm.prepare import prepare_model
from assistant.settings import Settings


def prepare_served_model(settings: Settings, progress: Callable[[str], None] = print) -> Path:
    """Make the configured model servable and return its folder (each step skipped when done).

    Converts the bundled GGUF, then, when `llm_finetuned` is on, merges the committed LoRA
    adapter into it. A configured `llm_model_path` is returned as it is.
    """
    if settings.llm_model_path is not None:
        return settings.llm_model_path
    prepare_model(settings.model_dir, progress=progress)
    if not settings.llm_finetuned:
        return settings.model_dir
    from assistant.finetune.merge import is_up_to_date, merge_adapter

    target = settings.finetuned_model_dir
    if is_up_to_date(settings.model_dir, ADAPTER_DIR, target):
        progress(f"fine-tuned model already merged in {target}")
        return target
    progress(f"merging the fine-tuned adapter {ADAPTER_DIR} into {target}")
    return merge_adapter(settings.model_dir, target)
