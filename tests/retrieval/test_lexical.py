"""The BM25 channel: word matches per document and the minimum share a document must hold."""

from __future__ import annotations

import numpy as np

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
