"""BM25 over the variant documents with `bm25s`, persisted next to Chroma.

Scores are summed from the postings of the query's words alone (within the filter's row
spans), of the documents the filter mask allows, and only then the top-k taken: filtered-out
documents never take a slot, and the work follows the postings read, not the catalog size.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import bm25s
import numpy as np
import scipy.sparse

from retrieval.text import COMMON_WORDS, SpellIndex, tokenize

logging.getLogger("bm25s").setLevel(logging.WARNING)

# Postings are summed into an array over the documents they span when there is at least
# one posting per this many documents of that range (a sort merges sparser ones).
SPARSE_POSTINGS = 16


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

    def unknown(self, query: str) -> list[str]:
        """The query's content words that no indexed text has, even after spelling
        correction ("surfboard" in a shop without one); everyday words do not count."""
        return [
            word
            for word in tokenize(query, drop_stopwords=True)
            if len(word) >= 4
            and not word.isdigit()
            and word not in COMMON_WORDS
            and self.spelling.correct(word) is None
        ]

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
    ) -> list[tuple[np.ndarray, np.ndarray, bool]]:
        """(documents, scores, first occurrence of the token) of each run of postings of
        `token_ids` inside `spans`, token by token in query order.

        A token's postings are sorted by document (bm25s builds its matrix column by column
        from a sort on (token, document)), so a span is two binary searches away.
        """
        postings = retriever.scores
        indices, data, indptr = postings["indices"], postings["data"], postings["indptr"]
        runs: list[tuple[np.ndarray, np.ndarray, bool]] = []
        seen: set[int] = set()
        for token_id in token_ids:
            start, end = int(indptr[token_id]), int(indptr[token_id + 1])
            column = indices[start:end]
            pieces = [(0, end - start)]
            if spans is not None:
                bounds = np.searchsorted(column, np.asarray(spans).ravel())
                pieces = [(int(lo), int(hi)) for lo, hi in bounds.reshape(-1, 2)]
            for lo, hi in pieces:
                if hi > lo:
                    runs.append(
                        (column[lo:hi], data[start + lo : start + hi], token_id not in seen)
                    )
            seen.add(token_id)
        return runs

    @staticmethod
    def _summed(
        runs: list[tuple[np.ndarray, np.ndarray, bool]], needed: int = 1
    ) -> tuple[np.ndarray, np.ndarray]:
        """(document, summed score) of every document in `runs` holding at least `needed`
        distinct tokens.

        Scores are added one by one from zero in float32, in query order, as bm25s sums
        them. Dense postings (many per document of the range they cover) are the columns of
        a sparse matrix over that range, summed by scipy's matrix-vector product (which adds
        column by column, in float32: the same sums); sparse ones are merged by a sort,
        which costs nothing per document of the range.
        """
        lo = min(int(d[0]) for d, _, _ in runs)
        hi = max(int(d[-1]) for d, _, _ in runs) + 1
        total = sum(d.size for d, _, _ in runs)
        dtype = runs[0][1].dtype
        if total * SPARSE_POSTINGS >= hi - lo:
            bounds = np.zeros(len(runs) + 1, dtype=np.int64)
            np.cumsum([d.size for d, _, _ in runs], out=bounds[1:])
            rows = np.concatenate([d for d, _, _ in runs])
            rows -= lo
            columns = scipy.sparse.csc_array(
                (np.concatenate([s for _, s, _ in runs]), rows, bounds), shape=(hi - lo, len(runs))
            )
            summed = columns @ np.ones(len(runs), dtype=dtype)
            columns.data = np.ones(total, dtype=np.float32)  # the same columns, counting
            held = columns @ np.array([f for _, _, f in runs], dtype=np.float32)
            found = np.flatnonzero(held >= needed)  # a mask's nonzero is the fast one
            return found + lo, summed[found]
        docs = np.concatenate([d for d, _, _ in runs])
        scores = np.concatenate([s for _, s, _ in runs])
        first = np.concatenate([np.full(d.size, f, dtype=np.int32) for d, _, f in runs])
        # Each run is sorted: a stable sort merges them and keeps every document's scores
        # in query order; `np.add.at` then adds them one by one from zero.
        order = np.argsort(docs, kind="stable")
        docs, scores, first = docs[order], scores[order], first[order]
        new_doc = np.r_[True, docs[1:] != docs[:-1]]
        starts = np.flatnonzero(new_doc)
        summed = np.zeros(starts.size, dtype=dtype)
        np.add.at(summed, np.cumsum(new_doc) - 1, scores)
        enough = np.add.reduceat(first, starts) >= needed
        return docs[starts][enough], summed[enough]

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
        runs = self._postings(self.retriever, token_ids, spans)
        if np.count_nonzero(mask) < mask.size:
            # Filtered-out documents leave before the sum: a filter ("black", "under $50")
            # often allows a fraction of the postings of a word the query also holds.
            runs = [(d[keep], s[keep], first) for d, s, first in runs if (keep := mask[d]).any()]
        if not runs:
            return []
        docs, scores = self._summed(runs, needed)
        good = scores > 0
        docs, scores = docs[good], scores[good]
        if docs.size > depth:
            # The depth-th best score, then every document scoring above it or tied with it.
            cut = np.partition(scores, docs.size - depth)[docs.size - depth]
            above = scores >= cut
            docs, scores = docs[above], scores[above]
        order = np.lexsort((docs, -scores))[:depth]
        return [(int(docs[i]), float(scores[i])) for i in order]
