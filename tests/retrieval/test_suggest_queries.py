"""Query completion from the catalog's words and past searches."""

from __future__ import annotations

from retrieval.catalog import Product, Variant
from retrieval.suggest_queries import catalog_phrases, complete


def _catalog() -> list[Product]:
    def variant(i: str, colour: str) -> Variant:
        return Variant(item_id=i, options={"color": colour, "size": "M"}, price=10, available=True)

    return [
        Product(product_id="p1", name="Trail Tee", product_type="T-Shirt",
                variants=[variant("1", "blue"), variant("2", "black"), variant("3", "blue"),
                          variant("5", "blue")]),
        Product(product_id="p2", name="Blender Pro", product_type="Blender", brand="Whirl",
                variants=[variant("4", "black")]),
    ]  # fmt: skip


def test_completions_come_from_the_catalog_most_frequent_first() -> None:
    phrases = catalog_phrases(_catalog())
    # blue: 3 variants, black: 2, the Blender line: 1.
    completions = complete("bl", phrases)
    assert completions[:3] == ["blue", "blue t-shirt", "black"] and "blender" in completions
    assert "blender pro" in complete("blen", phrases)
    assert complete("", phrases) == [] and complete("zzz", phrases) == []


def test_the_last_word_is_completed_after_the_words_before_it() -> None:
    assert complete("cheap bl", catalog_phrases(_catalog()))[0] == "cheap blue"


def test_earlier_searches_rank_above_rarer_catalog_phrases() -> None:
    phrases = catalog_phrases(_catalog())
    assert complete("bl", phrases, searched=["black blender"] * 3)[0] == "black blender"
