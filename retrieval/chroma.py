"""Chroma clients: embedded on disk by default, a server over HTTP when a URL is given."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

# Chroma reads this at import time; nothing of ours is sent anywhere.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb
from chromadb.config import Settings


def make_client(path: Path | None = None, url: str | None = None) -> Any:
    """A Chroma client.

    Args:
        path: Folder of an embedded (on-disk) database; created when missing.
        url: `http(s)://host:port` of a Chroma server (`chroma run`); wins over `path`.

    Returns:
        `chromadb.HttpClient` for a URL, `PersistentClient` for a path, and an in-memory
        `EphemeralClient` when neither is given.
    """
    settings = Settings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise ValueError(f"Chroma URL {url!r} is not of the form http://host:port")
        ssl = parsed.scheme == "https"
        port = parsed.port or (443 if ssl else 8000)
        return chromadb.HttpClient(host=parsed.hostname, port=port, ssl=ssl, settings=settings)
    if path is not None:
        Path(path).mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    return chromadb.EphemeralClient(settings=settings)


def open_collection(client: Any, name: str, embedder_name: str, dimension: int) -> Any:
    """Get or create a cosine collection tagged with the embedding model that fills it.

    Raises:
        ValueError: the collection was built with another embedding model; its vectors
            would be meaningless next to the new model's.
    """
    collection = client.get_or_create_collection(
        name,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"embedder": embedder_name, "dimension": dimension},
        embedding_function=None,
    )
    stored = (collection.metadata or {}).get("embedder")
    if stored is not None and stored != embedder_name:
        raise ValueError(
            f"Chroma collection {name!r} was built with embedding model {stored!r}, not "
            f"{embedder_name!r}: re-index into a new collection or use the same model"
        )
    return collection


def batched_size(client: Any, default: int = 1000) -> int:
    """The largest batch the client accepts for one add/upsert (bounded for memory)."""
    try:
        return max(1, min(int(client.get_max_batch_size()), 4096))
    except Exception:
        return default
