"""Product search and FAQ store: typed catalog, importers, Chroma + bm25s hybrid search.

This package knows nothing of the assistant built on it; paths and model names come in as
parameters.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.faq import FaqIndex
    from retrieval.search import CatalogIndex

__all__ = ["ingest_path", "open_indexes"]


def open_indexes(
    data_dir: Path,
    embedding_model: str,
    chroma_url: str | None = None,
    reranker_dir: Path | None = None,
) -> tuple[CatalogIndex, FaqIndex]:
    """Open the catalog and FAQ indexes of a data folder.

    Args:
        data_dir: Folder holding `chroma/` (embedded Chroma) and `lexical/` (BM25 and the
            catalog record).
        embedding_model: `"bundled:all-MiniLM-L6-v2"` or a sentence-transformers folder.
        chroma_url: A Chroma server URL; when given, vectors live there instead of in
            `data_dir/chroma` (the lexical side stays in `data_dir`).
        reranker_dir: A trained re-ranker (`retrieval.reranker.train_reranker`) that orders
            each search's fused shortlist after the filters; None: no re-ranking.
    """
    from retrieval.chroma import make_client
    from retrieval.embeddings import load_embedder
    from retrieval.faq import FaqIndex
    from retrieval.search import CatalogIndex

    data_dir = Path(data_dir)
    client = make_client(path=None if chroma_url else data_dir / "chroma", url=chroma_url)
    embedder = load_embedder(embedding_model)
    reranker = None
    if reranker_dir is not None:
        from retrieval.reranker import Reranker

        reranker = Reranker(reranker_dir)
    catalog = CatalogIndex(client, embedder, data_dir / "lexical", reranker=reranker)
    faq = FaqIndex(client, embedder)
    return catalog, faq


def __getattr__(name: str) -> object:  # lazy: importing `retrieval` must not load torch or chromadb
    if name == "ingest_path":
        from retrieval.importers import ingest_path

        return ingest_path
    raise AttributeError(name)
