"""Query completion from the catalog's phrases and the query log."""

from __future__ import annotations

import pytest

from retrieval.suggest import QuerySuggester


def test_prefix_completes_to_catalog_phrases(small_catalog) -> None:
    texts = [c.text for c in QuerySuggester(small_catalog).suggest("blu", 10)]
    assert "blue t-shirt" in texts and "blue running shoes" in texts
    assert all(t.startswith("blu") for t in texts)
    types = [c.text for c in QuerySuggester(small_catalog).suggest("Ele", 3)]
    assert types[0] == "electric kettle"


def test_a_later_word_completes_after_the_heads(small_catalog) -> None:
    texts = [c.text for c in QuerySuggester(small_catalog).suggest("sho", 10)]
    assert "running shoes" in texts


def test_logged_queries_rank_first_once_searched_often_enough(small_catalog) -> None:
    log = ["blue tee for summer"] * 3 + ["blue secret gift for anna"]
    suggester = QuerySuggester(small_catalog, log)
    out = suggester.suggest("blue", 10)
    assert out[0].text == "blue tee for summer" and out[0].source == "log"
    # Searched once: one shopper's words are not shown to others.
    assert "blue secret gift for anna" not in [c.text for c in out]
    suggester.add_queries(["blue secret gift for anna"])
    assert "blue secret gift for anna" in [c.text for c in suggester.suggest("blue s", 5)]


def test_empty_prefix_and_bad_settings(small_catalog) -> None:
    suggester = QuerySuggester(small_catalog)
    assert suggester.suggest("   ", 5) == []
    assert suggester.suggest("zzz", 5) == []
    assert len(suggester.suggest("b", 2)) == 2
    with pytest.raises(ValueError, match="min_log_count"):
        QuerySuggester(small_catalog, min_log_count=0)
