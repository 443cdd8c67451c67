"""BM25 over the variant documents with `bm25s`, persisted next to Chroma.

Scores are computed for the whole corpus (a sparse sum, cheap), then the filter mask is
applied and only then the top-k taken: filtered-out documents never take a slot.
"""

from __future__ import annotations

import logging
import math

import bm25s
import numpy as np

from retrieval.text import SpellIndex, tokenize

logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    """A BM25 index whose document order is `doc_ids`."""

    def __init__(self, retriever: bm25s.BM25 | None, doc_ids: list[str]) -> None:
        self.retriever = retriever
        self.doc_ids = doc_ids
        vocab = [] if retriever is None else [t for t in retriever.vocab_dict if t]
        self.spelling = SpellIndex(vocab)

    @classmethod
    def build(cls, doc_ids: list[str], texts: list[str]) -> LexicalIndex:
        """Index `texts` (aligned with `doc_ids`)."""
        if not doc_ids:
            return cls(None, [])
        retriever = bm25s.BM25()
        retriever.index([tokenize(t) for t in texts], show_progress=False)
        return cls(retriever, list(doc_ids))

    def _read(self, query: str) -> tuple[list[str], list[str]]:
        """The query's words (stopwords dropped), and those the index knows, corrected."""
        words = tokenize(query, drop_stopwords=True)
        fixed = (self.spelling.correct(word) for word in words)
        return words, [token for token in fixed if token is not None]

    def coverage(self, query: str) -> float:
        """Share of the query's words the index knows (after spelling correction).

        "make coffee at home in the morning" reads mostly words no product text has: the
        few it matches say little, and fusion weighs the lexical ranking accordingly.
        """
        words, tokens = self._read(query)
        return len(tokens) / len(words) if words else 0.0

    def match_counts(self, tokens: list[str]) -> np.ndarray:
        """How many of the distinct `tokens` each document contains, in document order."""
        counts = np.zeros(len(self.doc_ids), dtype=np.int32)
        if self.retriever is None:
            return counts
        postings = self.retriever.scores
        indices, indptr = postings["indices"], postings["indptr"]
        for token_id in set(self.retriever.get_tokens_ids(tokens)):
            counts[indices[indptr[token_id] : indptr[token_id + 1]]] += 1
        return counts

    def top(
        self, query: str, mask: np.ndarray, depth: int, min_match: float = 0.0
    ) -> list[tuple[int, float]]:
        """(position, score) of the best `depth` documents allowed by `mask`, best first.

        Documents with no query term (score 0) are left out: they carry no lexical evidence.
        With `min_match` > 0, so are documents holding fewer than that share of the query's
        distinct words (unknown words count, and are never held), before the top-k is taken:
        Lucene's "minimum should match". "a bag with room for my camera" then leaves out the
        air purifiers ("room size") and the cameras, which hold one word of three.
        """
        if self.retriever is None or depth <= 0:
            return []
        words, tokens = self._read(query)
        if not tokens:
            return []
        scores = self.retriever.get_scores(tokens)
        if min_match > 0:
            needed = math.ceil(min_match * len(set(words)) - 1e-9)
            mask = mask & (self.match_counts(tokens) >= needed)
        scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > depth:
            part = np.argpartition(-scores[candidates], depth - 1)[:depth]
            candidates = candidates[part]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(i), float(scores[i])) for i in order]
