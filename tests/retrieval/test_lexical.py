"""The BM25 channel: word matches per document and the minimum share a document must hold."""

from __future__ import annotations

import itertools
import math
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import lexical
from retrieval.lexical import LexicalIndex

TEXTS = {
    "purifier": "Air Purifier. room size: large. filter type: HEPA",
    "camera": "Digital Camera. resolution: 30MP. zoom: 10x",
    "bag": "Backpack. compartment: camera. size: small. bag for travel",
    "kettle": "Electric Kettle. capacity: 1.5L",
}


def _index() -> LexicalIndex:
    return LexicalIndex.build(list(TEXTS), list(TEXTS.values()))


def _found(index: LexicalIndex, query: str, min_match: float = 0.0) -> list[str]:
    everything = np.ones(len(index.doc_ids), dtype=bool)
    return [index.doc_ids[p] for p, _ in index.top(query, everything, 10, min_match)]


def test_match_counts_count_distinct_query_words_per_document() -> None:
    index = _index()
    counts = dict(zip(index.doc_ids, index.match_counts(["camera", "bag", "camera"]), strict=True))
    assert counts == {"purifier": 0, "camera": 1, "bag": 2, "kettle": 0}


def test_min_match_leaves_out_documents_holding_too_few_query_words() -> None:
    index = _index()
    query = "a bag with room for my camera"  # bag, room, camera
    assert set(_found(index, query)) == {"purifier", "camera", "bag"}
    # Half of three words: two needed. Only the backpack holds two (bag, camera).
    assert _found(index, query, min_match=0.5) == ["bag"]


def test_unknown_words_count_against_the_share() -> None:
    index = _index()
    # "suitcase" is in no document: "camera" alone is one word of two, enough for half.
    assert set(_found(index, "camera suitcase", min_match=0.5)) == {"camera", "bag"}
    assert _found(index, "camera suitcase", min_match=0.67) == []


def test_the_share_is_applied_before_the_top_k() -> None:
    texts = {
        "heater": "Room heater. warms a room. room size: any room",
        "bag": "Backpack. camera compartment, bag with padded straps, rain cover, "
        "bottle pocket, laptop sleeve, key clip and a chest strap for long walks",
    }
    index = LexicalIndex.build(list(texts), list(texts.values()))
    everything = np.ones(2, dtype=bool)

    def first(min_match: float) -> list[str]:
        return [index.doc_ids[p] for p, _ in index.top("bag room camera", everything, 1, min_match)]

    assert first(0.0) == ["heater"]  # "room" four times in a short text outscores two words
    assert first(0.5) == ["bag"]  # the heater, one word of three, is out before the cut


WORDS = ["red", "blue", "shirt", "bag", "camera", "room", "lamp", "desk", "soft", "cotton"]


def _reference(
    index: LexicalIndex, query: str, mask: np.ndarray, depth: int, min_match: float
) -> list[tuple[int, float]]:
    """The whole-corpus computation: bm25s' own scores, word counts, mask, then top-k."""
    words, tokens = index._read(query)
    if not tokens:
        return []
    scores = index.retriever.get_scores(tokens)
    allowed = mask.copy()
    if min_match > 0:
        needed = math.ceil(min_match * len(set(words)) - 1e-9)
        allowed &= index.match_counts(tokens) >= needed
    ranked = sorted((-float(scores[i]), i) for i in np.flatnonzero(allowed) if scores[i] > 0)[
        :depth
    ]
    return [(i, -s) for s, i in ranked]


@st.composite
def lexical_cases(draw):
    texts = draw(
        st.lists(
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join),
            min_size=1,
            max_size=40,
        )
    )
    n = len(texts)
    mask = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    # Spans: cut points splitting the rows; a span is kept only if it holds allowed rows,
    # as `DocTable.select` gives them.
    cuts = sorted(set(draw(st.lists(st.integers(0, n), max_size=4))) | {0, n})
    spans = [(a, b) for a, b in itertools.pairwise(cuts) if mask[a:b].any()]
    query = " ".join(draw(st.lists(st.sampled_from([*WORDS, "suitcase"]), max_size=4)))
    depth = draw(st.integers(1, 12))
    min_match = draw(st.sampled_from([0.0, 0.5, 0.67, 1.0]))
    return texts, mask, spans, query, depth, min_match


@settings(max_examples=200, deadline=None)
@given(case=lexical_cases())
def test_postings_top_equals_whole_corpus_scoring(case) -> None:
    texts, mask, spans, query, depth, min_match = case
    index = LexicalIndex.build([f"d{i}" for i in range(len(texts))], texts)
    expected = _reference(index, query, mask, depth, min_match)
    # Both ways of summing postings: into an array over their range, and by a sorted merge.
    for sparse in (0, 10**9):
        with mock.patch.object(lexical, "SPARSE_POSTINGS", sparse):
            assert index.top(query, mask, depth, min_match) == expected
            assert index.top(query, mask, depth, min_match, spans) == expected


def test_postings_are_sorted_by_document() -> None:
    """`LexicalIndex.top` binary-searches a token's postings: bm25s must keep them sorted."""
    texts = [
        " ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(i % 5 + 1)) for i in range(300)
    ]
    postings = LexicalIndex.build([str(i) for i in range(300)], texts).retriever.scores
    indices, indptr = postings["indices"], postings["indptr"]
    for token in range(len(indptr) - 1):
        column = indices[indptr[token] : indptr[token + 1]]
        assert np.all(column[1:] > column[:-1])
