"""A cross-encoder re-ranker: fine-tuned on queries generated from the catalog, loaded offline.

Search fuses its channels into a shortlist; the cross-encoder reads the query and each
shortlisted item's text together and orders them again. It starts from the bundled
all-MiniLM-L6-v2 weights (a classification head is added) and is trained with
sentence-transformers' `CrossEncoderTrainer` on `retrieval.rerank_data` pairs.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from retrieval.catalog import Product
from retrieval.rerank_data import TRAINING_TEMPLATES, generate_queries, training_pairs

TRAINING_RECORD = "reranker-training.json"
"""File in the model folder that says how the model was trained."""


@runtime_checkable
class RelevanceScorer(Protocol):
    """Scores (query, text) pairs; higher is more relevant."""

    name: str

    def score(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """One score per text, as a float array."""
        ...


def _offline() -> None:
    # The hub switches must be set before sentence-transformers imports huggingface_hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Reranker:
    """A trained cross-encoder read from a local folder (never from a model hub)."""

    def __init__(self, folder: Path, *, batch_size: int = 32, max_length: int = 128) -> None:
        """Load the model.

        Args:
            folder: A folder written by `train_reranker` (or any sentence-transformers
                cross-encoder folder).
            batch_size: Pairs per forward pass.
            max_length: Tokens per pair; longer pairs are truncated.

        Raises:
            FileNotFoundError: When `folder` holds no model.
        """
        folder = Path(folder).expanduser()
        if not (folder / "config.json").exists():
            raise FileNotFoundError(
                f"re-ranker folder {folder} holds no model (no config.json); "
                "train one with retrieval.reranker.train_reranker"
            )
        _offline()
        from sentence_transformers import CrossEncoder

        self.name = str(folder)
        self.folder = folder
        self.batch_size = batch_size
        self._model = CrossEncoder(
            str(folder), device="cpu", local_files_only=True, max_length=max_length
        )

    def score(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """Relevance logits of `texts` for `query` (higher is more relevant)."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        scores = self._model.predict(
            [(query, t) for t in texts],
            batch_size=self.batch_size,
            activation_fn=None,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(scores, dtype=np.float32).reshape(-1)


@dataclass(frozen=True)
class RerankerTraining:
    """What one training run used and took."""

    folder: str
    base_model: str
    seed: int
    queries: int
    pairs: int
    epochs: float
    batch_size: int
    steps: int
    learning_rate: float
    seconds: float
    final_loss: float | None


def _base_folder(base: Path | None) -> Path:
    if base is not None:
        return Path(base)
    from retrieval.embeddings import bundled_model_folder

    return bundled_model_folder("all-MiniLM-L6-v2")


def train_reranker(
    products: Sequence[Product],
    out_dir: Path,
    *,
    base: Path | None = None,
    seed: int = 17,
    queries_per_type: int = 16,
    hard_negatives: int = 3,
    other_negatives: int = 2,
    epochs: float = 1.0,
    batch_size: int = 32,
    learning_rate: float = 5e-5,
    max_length: int = 96,
    max_steps: int = -1,
    progress: bool = True,
) -> RerankerTraining:
    """Fine-tune a cross-encoder on query → item pairs generated from `products`.

    The same products, seed and settings give the same data and the same weights (the head's
    initialisation, the data order and dropout are all seeded).

    Args:
        products: The catalog the queries are generated from.
        out_dir: Folder the model is saved to (created; replaced files are overwritten).
        base: A sentence-transformers or transformers folder to start from; the bundled
            all-MiniLM-L6-v2 when None.
        seed: Seeds the query generator, the pair sampler and training.
        queries_per_type: Generated queries per product type.
        hard_negatives: Same-type items missing a stated option, per query.
        other_negatives: Items of other types, per query.
        epochs: Passes over the pairs.
        batch_size: Pairs per step.
        learning_rate: Peak learning rate (linear warm-up over the first 10% of steps).
        max_length: Tokens per pair during training.
        max_steps: Stop after this many steps (-1: run every epoch).
        progress: Show the trainer's progress bar.

    Returns:
        Data size, steps and wall time, also written to `out_dir/reranker-training.json`.
    """
    if not products:
        raise ValueError("train_reranker needs at least one product")
    _offline()
    from datasets import Dataset
    from sentence_transformers import CrossEncoder
    from sentence_transformers.cross_encoder import (
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss
    from transformers import set_seed

    queries = generate_queries(
        products, seed=seed, per_type=queries_per_type, templates=TRAINING_TEMPLATES
    )
    pairs = training_pairs(
        products,
        queries,
        seed=seed + 1,
        hard_negatives=hard_negatives,
        other_negatives=other_negatives,
    )
    if not pairs:
        raise ValueError("no training pairs could be generated from the catalog")
    dataset = Dataset.from_dict(
        {
            "query": [p.query for p in pairs],
            "document": [p.text for p in pairs],
            "label": [float(p.label) for p in pairs],
        }
    )
    base_folder = _base_folder(base)
    set_seed(seed)  # the new classification head is drawn from this
    model = CrossEncoder(
        str(base_folder), num_labels=1, device="cpu", local_files_only=True, max_length=max_length
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reranker-checkpoints-") as scratch:
        args = CrossEncoderTrainingArguments(
            output_dir=scratch,
            num_train_epochs=epochs,
            max_steps=max_steps,
            per_device_train_batch_size=batch_size,
            learning_rate=learning_rate,
            warmup_steps=0.1,
            seed=seed,
            data_seed=seed,
            save_strategy="no",
            eval_strategy="no",
            logging_steps=max(1, len(pairs) // batch_size // 20),
            report_to="none",
            disable_tqdm=not progress,
            use_cpu=True,
            dataloader_num_workers=0,
        )
        trainer = CrossEncoderTrainer(
            model=model,
            args=args,
            train_dataset=dataset,
            loss=BinaryCrossEntropyLoss(model),
        )
        result = trainer.train()
    seconds = time.perf_counter() - start
    model.save_pretrained(str(out_dir))
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    record = RerankerTraining(
        folder=str(out_dir),
        base_model=str(base_folder),
        seed=seed,
        queries=len(queries),
        pairs=len(pairs),
        epochs=epochs,
        batch_size=batch_size,
        steps=int(result.global_step),
        learning_rate=learning_rate,
        seconds=round(seconds, 1),
        final_loss=round(float(losses[-1]), 4) if losses else None,
    )
    (out_dir / TRAINING_RECORD).write_text(json.dumps(asdict(record), indent=2))
    return record


def training_record(folder: Path) -> RerankerTraining | None:
    """How the model in `folder` was trained, when `train_reranker` wrote it."""
    path = Path(folder) / TRAINING_RECORD
    if not path.exists():
        return None
    return RerankerTraining(**json.loads(path.read_text()))
