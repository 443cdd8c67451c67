"""The files that travel with one state of the catalog: BM25 index, document order, vectors.

They are written together into a fresh folder that then replaces the old one, so a reader
never sees a BM25 index of one catalog next to the vectors or order of another.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import bm25s
import numpy as np

from retrieval.lexical import LexicalIndex

_DOC_IDS = "doc_ids.json"
_VECTORS = "vectors.npy"
_BM25 = "bm25"


def save_snapshot(folder: Path, lexical: LexicalIndex, vectors: np.ndarray) -> None:
    """Write the snapshot to `folder`, replacing the previous one only once complete."""
    tmp = folder.with_name(folder.name + ".tmp")
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if lexical.retriever is not None:
        lexical.retriever.save(str(tmp / _BM25), show_progress=False)
    np.save(tmp / _VECTORS, np.ascontiguousarray(vectors, dtype=np.float32))
    (tmp / _DOC_IDS).write_text(json.dumps(lexical.doc_ids))
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def load_snapshot(folder: Path) -> tuple[LexicalIndex, np.ndarray] | None:
    """The saved snapshot, or None when missing or unreadable (it is then rebuilt)."""
    ids_file = folder / _DOC_IDS
    if not ids_file.exists():
        return None
    try:
        doc_ids = json.loads(ids_file.read_text())
        vectors = np.load(folder / _VECTORS)
        retriever = bm25s.BM25.load(str(folder / _BM25), show_progress=False) if doc_ids else None
    except (OSError, ValueError) as error:
        logging.getLogger(__name__).warning("index files in %s unreadable: %s", folder, error)
        return None
    if len(vectors) != len(doc_ids):
        return None
    return LexicalIndex(retriever, doc_ids), vectors
