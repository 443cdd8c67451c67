"""The embedder remembers the vectors of the few texts a turn embeds (a message read for its
request and again for its confirmation or search); batches are encoded as before."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from retrieval.embeddings import REMEMBERED_BATCH, SentenceEmbedder


@pytest.mark.slow
def test_a_repeated_text_is_embedded_once(minilm: SentenceEmbedder) -> None:
    # Texts no other test embeds: the embedder is shared by the session's tests.
    tag = uuid.uuid4().hex[:8]
    red, yes, blue = (f"{text} ({tag})" for text in ("a red kettle", "yes", "a blue kettle"))
    calls, encoded = minilm.calls, minilm.texts_encoded
    first = minilm.encode([red, yes])
    again = minilm.encode([yes, red, blue])
    assert minilm.calls - calls == 2 and minilm.texts_encoded - encoded == 3  # the blue one
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[1], first[0])
    assert again.shape == (3, minilm.dimension) and again.dtype == np.float32
    assert np.allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-5)
    batch = [f"item {i}" for i in range(REMEMBERED_BATCH + 1)]
    before = minilm.texts_encoded
    minilm.encode(batch)
    minilm.encode(batch)
    assert minilm.texts_encoded - before == 2 * len(batch)  # an ingest's batches: not kept
