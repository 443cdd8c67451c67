"""BM25 over the variant documents with `bm25s`, persisted next to Chroma.

Scores are summed from the postings of the query's words alone (within the filter's row
spans), the filter mask is applied to them and only then the top-k taken: filtered-out
documents never take a slot, and the work follows the postings read, not the catalog size.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

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

    @staticmethod
    def _postings(
        retriever: bm25s.BM25, token_ids: list[int], spans: Sequence[tuple[int, int]] | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document, score, first occurrence of the token) of every posting of `token_ids`
        inside `spans`, token by token in query order.

        A token's postings are sorted by document (bm25s builds its matrix column by column
        from a sort on (token, document)), so a span is two binary searches away.
        """
        postings = retriever.scores
        indices, data, indptr = postings["indices"], postings["data"], postings["indptr"]
        docs: list[np.ndarray] = []
        scores: list[np.ndarray] = []
        first: list[np.ndarray] = []
        seen: set[int] = set()
        for token_id in token_ids:
            start, end = int(indptr[token_id]), int(indptr[token_id + 1])
            column = indices[start:end]
            pieces = [(0, end - start)]
            if spans is not None:
                bounds = np.searchsorted(column, np.asarray(spans).ravel())
                pieces = [(int(lo), int(hi)) for lo, hi in bounds.reshape(-1, 2) if hi > lo]
            for lo, hi in pieces:
                docs.append(column[lo:hi])
                scores.append(data[start + lo : start + hi])
                first.append(np.full(hi - lo, token_id not in seen, dtype=np.int32))
            seen.add(token_id)
        if not docs:
            empty = np.zeros(0, dtype=np.int32)
            return empty, np.zeros(0, dtype=np.float32), empty
        return np.concatenate(docs), np.concatenate(scores), np.concatenate(first)

    def top(
        self,
        query: str,
        mask: np.ndarray,
        depth: int,
        min_match: float = 0.0,
        spans: Sequence[tuple[int, int]] | None = None,
    ) -> list[tuple[int, float]]:
        """(position, score) of the best `depth` documents allowed by `mask`, best first.

        Documents with no query term (score 0) are left out: they carry no lexical evidence.
        With `min_match` > 0, so are documents holding fewer than that share of the query's
        distinct words (unknown words count, and are never held), before the top-k is taken:
        Lucene's "minimum should match". "a bag with room for my camera" then leaves out the
        air purifiers ("room size") and the cameras, which hold one word of three.

        Only the postings of the query's words are read (inside `spans`, when given: row
        ranges outside which `mask` allows nothing), never the whole corpus. Scores equal
        bm25s' own (`BM25.get_scores`, the lucene variant this index is built with); equal
        scores rank by position.
        """
        if self.retriever is None or depth <= 0:
            return []
        words, tokens = self._read(query)
        if not tokens:
            return []
        token_ids = self.retriever.get_tokens_ids(tokens)  # repeats kept: they add up
        needed = 1
        if min_match > 0:
            needed = max(1, math.ceil(min_match * len(set(words)) - 1e-9))
        if needed > len(set(token_ids)):
            return []
        docs, scores, first = self._postings(self.retriever, token_ids, spans)
        keep = mask[docs]
        docs, scores, held = docs[keep], scores[keep], first[keep]
        if not docs.size:
            return []
        if len(token_ids) > 1:
            # Each token's documents are sorted: a stable sort merges the runs and keeps
            # every document's scores in query order. `np.add.at` then adds them one by one
            # from zero, in float32, as bm25s does (`reduceat` pairs them differently).
            order = np.argsort(docs, kind="stable")
            docs, scores, held = docs[order], scores[order], held[order]
            new_doc = np.r_[True, docs[1:] != docs[:-1]]
            starts = np.flatnonzero(new_doc)
            summed = np.zeros(starts.size, dtype=scores.dtype)
            np.add.at(summed, np.cumsum(new_doc) - 1, scores)
            docs, scores, held = docs[starts], summed, np.add.reduceat(held, starts)
        good = (held >= needed) & (scores > 0)
        docs, scores = docs[good], scores[good]
        if docs.size > depth:
            # The depth-th best score, then every document scoring above it or tied with it.
            cut = np.partition(scores, docs.size - depth)[docs.size - depth]
            above = scores >= cut
            docs, scores = docs[above], scores[above]
        order = np.lexsort((docs, -scores))[:depth]
        return [(int(docs[i]), float(scores[i])) for i in order]
