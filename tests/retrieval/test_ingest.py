"""Incremental ingest against real Chroma and bm25s: only changed work is done."""

from __future__ import annotations

from pathlib import Path

from retrieval_support import shopify_rows, write_csv

from retrieval.catalog import Product
from retrieval.filters import SearchFilters
from retrieval.importers import ingest_path


def ids(result) -> set[str]:
    return {h.item_id for h in result.hits}


def test_unchanged_reingest_embeds_nothing(make_index, embedder, small_catalog) -> None:
    index = make_index()
    first = index.ingest(small_catalog)
    assert (first.added, first.updated, first.unchanged, first.removed) == (10, 0, 0, 0)
    assert first.embedded == 10 and embedder.requested == 10
    assert index.count() == 10 and index.collection.count() == 10
    again = index.ingest(small_catalog)
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 10, 0)
    assert embedder.requested == 10
    # A new process sees the same state: nothing to do either.
    reopened = make_index()
    assert reopened.count() == 10
    assert reopened.ingest(small_catalog).embedded == 0
    assert embedder.requested == 10


def test_price_change_updates_without_embedding(make_index, embedder, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    shirt = small_catalog[0]
    cheaper = shirt.model_copy(
        update={
            "variants": [shirt.variants[0].model_copy(update={"price": 9.99}), *shirt.variants[1:]]
        }
    )
    summary = index.ingest([cheaper, *small_catalog[1:]])
    assert (summary.updated, summary.unchanged, summary.embedded) == (1, 9, 0)
    assert embedder.requested == 10
    # Both channels see the new price: the filter now admits it.
    for mode in ("dense", "bm25"):
        result = index.search("t-shirt", max_price_filter(10), k=5, mode=mode, parse=False)
        assert ids(result) == {"s1"}, mode
    assert index.get_product("p-shirt").variants[0].price == 9.99


def max_price_filter(value: float):
    from retrieval.filters import SearchFilters

    return SearchFilters(max_price=value)


def test_text_change_reembeds_and_removal_deletes_everywhere(make_index, embedder, small_catalog):
    index = make_index()
    index.ingest(small_catalog)
    lamp = small_catalog[3].model_copy(update={"description": "A brass banker's lamp."})
    remaining = [p for p in small_catalog if p.product_id != "p-kettle"]
    remaining[3] = lamp
    summary = index.ingest(remaining)
    assert (summary.updated, summary.removed, summary.embedded) == (1, 1, 1)
    assert index.count() == 9 and index.collection.count() == 9
    assert index.get_product("p-kettle") is None
    assert index.collection.get(ids=["p-kettle/k1"])["ids"] == []
    lexical = index.search("kettle boils water", k=10, mode="bm25", parse=False)
    assert "k1" not in ids(lexical)
    assert ids(index.search("brass banker", k=1, mode="bm25", parse=False)) == {"l1"}


def test_partial_ingest_keeps_other_products(make_index, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    summary = index.ingest(small_catalog[:1], remove_missing=False)
    assert summary.removed == 0 and index.count() == 10


def test_lost_vectors_are_restored(make_index, embedder, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    index.collection.delete(ids=["p-shirt/s1", "p-bag/b2"])
    summary = index.ingest(small_catalog)
    assert summary.embedded == 2 and index.collection.count() == 10


def test_shopify_file_reingest_embeds_nothing(tmp_path: Path, make_index, embedder) -> None:
    rows, _ = shopify_rows()
    write_csv(tmp_path / "catalog.csv", rows)
    index = make_index()
    report, summary = ingest_path(index, tmp_path / "catalog.csv")
    assert len(report.errors) == 5 and report.variant_count == 95
    assert summary.added == 95 and index.count() == 95
    requested = embedder.requested
    report, summary = ingest_path(index, tmp_path / "catalog.csv")
    assert (summary.added, summary.updated, summary.removed, summary.embedded) == (0, 0, 0, 0)
    assert embedder.requested == requested


def test_bad_rows_never_delete_stored_products(tmp_path: Path, make_index) -> None:
    rows, _ = shopify_rows(10, broken_every=1000)
    write_csv(tmp_path / "c.csv", rows)
    index = make_index()
    ingest_path(index, tmp_path / "c.csv")
    before = index.get_product("tee-002")
    assert before is not None and len(before.variants) == 3
    rows[4]["Variant Price"] = "oops"  # a row of tee-002 goes bad in the next export
    write_csv(tmp_path / "c.csv", rows)
    report, summary = ingest_path(index, tmp_path / "c.csv")
    assert report.incomplete == {"tee-002"} and summary.kept == 1
    assert index.get_product("tee-002") == before
    # A file the importer cannot read at all removes nothing.
    (tmp_path / "c.csv").write_text("not,a,shopify,file\n1,2,3,4\n")
    report, summary = ingest_path(index, tmp_path / "c.csv")
    assert summary.removed == 0 and index.count() == 10


def test_duplicate_product_ids_are_rejected(make_index, small_catalog: list[Product]) -> None:
    import pytest

    with pytest.raises(ValueError, match="p-shirt"):
        make_index().ingest([small_catalog[0], small_catalog[0]])


def test_progress_is_reported(make_index, small_catalog) -> None:
    seen: list[tuple[str, int, int]] = []
    make_index().ingest(small_catalog, progress=lambda *a: seen.append(a), batch_size=4)
    embed = [s for s in seen if s[0] == "embed"]
    assert embed == [("embed", 4, 10), ("embed", 8, 10), ("embed", 10, 10)]
    assert seen[-1] == ("lexical", 1, 1)


def test_chroma_holds_the_filter_fields_only(make_index, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    got = index.collection.get(ids=["p-shoe/r1"], include=["metadatas"])["metadatas"][0]
    assert got == {
        "type_norm": "running shoes",
        "brand_norm": "stride",
        "price": 120.0,
        "available": True,
        "opt_color": "white",
        "opt_size": "9",
        "opt_material": "mesh",
    }
    # A price change reaches Chroma's copy, which the `where` strategy filters on.
    shoe = small_catalog[1]
    cheaper = shoe.model_copy(
        update={"variants": [shoe.variants[0].model_copy(update={"price": 99.0}), shoe.variants[1]]}
    )
    index.ingest([small_catalog[0], cheaper, *small_catalog[2:]])
    got = index.collection.get(ids=["p-shoe/r1"], include=["metadatas"])["metadatas"][0]
    assert got["price"] == 99.0
    index.dense_strategy = "where"
    wanted = SearchFilters(product_types=["Running Shoes"], max_price=100)
    hits = index.search("shoes", wanted, k=5, mode="dense", parse=False).hits
    assert [h.item_id for h in hits] == ["r1"] and hits[0].name == "Running Shoes"


def test_emptied_collection_is_refilled(make_index, embedder, small_catalog) -> None:
    index = make_index()
    index.ingest(small_catalog)
    everything = index.collection.get(include=[])["ids"]
    index.collection.delete(ids=everything)
    summary = index.ingest(small_catalog)
    assert summary.embedded == 10 and index.collection.count() == 10
    again = index.ingest(small_catalog)
    assert again.embedded == 0 and index.collection.count() == 10
    hits = index.search("running shoes", k=2, mode="dense", parse=False).hits
    assert {h.item_id for h in hits} == {"r1", "r2"}
