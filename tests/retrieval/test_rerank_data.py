"""Generated re-ranker queries: reproducible, answerable, labelled by what they state."""

from __future__ import annotations

from retrieval.rerank_data import (
    EXACT,
    OTHER,
    TRAINING_TEMPLATES,
    TYPE_ONLY,
    GeneratedQuery,
    generate_queries,
    label,
    render_value,
    training_pairs,
)


def test_same_seed_same_queries_other_seed_other_queries(small_catalog) -> None:
    first = generate_queries(small_catalog, seed=3, per_type=6)
    assert first == generate_queries(small_catalog, seed=3, per_type=6)
    assert first != generate_queries(small_catalog, seed=4, per_type=6)


def test_every_query_has_an_item_meeting_it(small_catalog) -> None:
    for q in generate_queries(small_catalog, seed=1, per_type=8):
        assert any(label(q, p, v) == EXACT for p in small_catalog for v in p.variants), q


def test_labels_follow_the_stated_options(small_catalog) -> None:
    shirt, shoe = small_catalog[0], small_catalog[1]
    q = GeneratedQuery("blue cotton t-shirt", "T-Shirt", {"color": "blue", "material": "cotton"})
    by_id = {v.item_id: v for v in shirt.variants}
    assert label(q, shirt, by_id["s1"]) == EXACT  # blue cotton
    assert label(q, shirt, by_id["s2"]) == TYPE_ONLY  # blue polyester: a hard negative
    assert label(q, shoe, shoe.variants[1]) == OTHER  # blue, but shoes


def test_pairs_hold_one_positive_and_same_type_hard_negatives(small_catalog) -> None:
    queries = generate_queries(small_catalog, seed=2, per_type=5)
    pairs = training_pairs(small_catalog, queries, seed=2)
    assert {p.label for p in pairs} <= {EXACT, TYPE_ONLY, OTHER}
    assert sum(p.label == EXACT for p in pairs) == len(queries)
    hard = [p for p in pairs if p.label == TYPE_ONLY]
    assert hard and all(
        "T-Shirt" in p.text or "Running Shoes" in p.text or "Backpack" in p.text for p in hard
    )  # only types with several variants have them


def test_values_are_said_the_way_shoppers_say_them() -> None:
    assert render_value("waterproof", "yes") == "waterproof"
    assert render_value("size", "M") == "size M"
    assert render_value("size", "10") == "size 10"
    assert render_value("color", "blue") == "blue"
    assert all("{type}" in t or "{types}" in t for t in TRAINING_TEMPLATES)
