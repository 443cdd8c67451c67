"""Carrying an ingest plan out in Chroma: embed and write new texts, update changed
attributes in place, delete what left the catalog."""

from __future__ import annotations

from typing import Any

import numpy as np

from retrieval.documents import chroma_metadata
from retrieval.embeddings import Embedder
from retrieval.ingest import IngestPlan, ProgressCallback
from retrieval.state import DocRow


def _metadata(meta: dict[str, Any], old: DocRow | None) -> dict[str, Any]:
    flat = chroma_metadata(meta)
    if old is not None:  # upsert and update merge metadata: clear fields now gone
        flat.update({k: None for k in chroma_metadata(old.meta) if k not in flat})
    return flat


def write_plan(
    collection: Any,
    embedder: Embedder,
    plan: IngestPlan,
    *,
    embed_batch: int,
    write_batch: int,
    fresh: bool,
    report: ProgressCallback,
) -> dict[str, np.ndarray]:
    """Apply `plan` to `collection`; returns the new vectors by document id.

    Args:
        collection: The Chroma collection.
        embedder: Embeds the new and changed texts.
        plan: What to embed, update and delete.
        embed_batch: Texts per embedding call (and per Chroma write).
        write_batch: Largest batch the Chroma client accepts.
        fresh: The collection was empty when the ingest began: new documents are written
            with `add`, which skips the lookup `upsert` makes for each id.
        report: Progress callback.
    """
    write = collection.add if fresh else collection.upsert
    step = max(1, min(embed_batch, write_batch))
    total = len(plan.embed)
    new_vectors: dict[str, np.ndarray] = {}
    for begin in range(0, total, step):
        batch = plan.embed[begin : begin + step]
        vectors = embedder.encode([d.text for d in batch])
        new_vectors.update(zip((d.doc_id for d in batch), vectors, strict=True))
        write(
            ids=[d.doc_id for d in batch],
            embeddings=vectors,
            metadatas=[
                _metadata(d.meta, None if fresh else plan.previous.get(d.doc_id)) for d in batch
            ],
        )
        report("embed", min(begin + step, total), total)
    updates = plan.update_meta
    for begin in range(0, len(updates), write_batch):
        pairs = updates[begin : begin + write_batch]
        collection.update(
            ids=[d.doc_id for d, _ in pairs], metadatas=[_metadata(d.meta, old) for d, old in pairs]
        )
        report("update", min(begin + write_batch, len(updates)), len(updates))
    removed = plan.remove_docs
    for begin in range(0, len(removed), write_batch):
        collection.delete(ids=removed[begin : begin + write_batch])
        report("delete", min(begin + write_batch, len(removed)), len(removed))
    return new_vectors
