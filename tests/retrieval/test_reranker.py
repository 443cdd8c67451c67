"""The cross-encoder re-ranker: a few training steps give a model that loads offline, is
reproducible, and re-orders the filtered shortlist of hybrid search."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_catalog_products

from retrieval.catalog import Product
from retrieval.documents import variant_text
from retrieval.reranker import Reranker, train_reranker, training_record

QUERIES = ["blue t-shirt", "shoes for running", "something for my desk", "black backpack",
           "cotton", "a bag"]  # fmt: skip


def _texts(catalog: list[Product]) -> dict[str, str]:
    return {v.item_id: variant_text(p, v) for p in catalog for v in p.variants}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory, small_catalog_module: list[Product]):
    catalog = small_catalog_module
    folder = tmp_path_factory.mktemp("reranker")
    record = train_reranker(
        catalog, folder, queries_per_type=4, max_steps=3, batch_size=8, seed=5, progress=False
    )
    return folder, record


@pytest.fixture(scope="module")
def small_catalog_module() -> list[Product]:
    return small_catalog_products()


@pytest.mark.slow
def test_training_writes_a_model_and_its_record(tiny_model) -> None:
    folder, record = tiny_model
    assert record.steps == 3 and record.pairs > 0 and record.queries > 0
    assert (folder / "config.json").exists()
    assert training_record(folder) == record


@pytest.mark.slow
def test_the_same_seed_trains_the_same_model(tiny_model, small_catalog_module, tmp_path) -> None:
    folder, _ = tiny_model
    again = tmp_path / "again"
    train_reranker(small_catalog_module, again, queries_per_type=4, max_steps=3, batch_size=8,
                   seed=5, progress=False)  # fmt: skip
    texts = list(_texts(small_catalog_module).values())
    first, second = (
        Reranker(folder).score("blue shirt", texts),
        Reranker(again).score("blue shirt", texts),
    )
    assert np.allclose(first, second, atol=1e-5)


@pytest.mark.slow
def test_search_with_the_reranker_reorders_the_filtered_shortlist(
    tiny_model, small_catalog, make_index
) -> None:
    folder, _ = tiny_model
    reranker = Reranker(folder)
    index = make_index()
    index.ingest(small_catalog)
    index.reranker = reranker
    texts = _texts(small_catalog)
    changed = 0
    for query in QUERIES:
        plain = index.search(query, k=5, rerank=False)
        ranked = index.search(query, k=5)
        assert ranked.filters == plain.filters
        # Every filtered candidate fits in the shortlist here, so the top 5 are the 5 the
        # model scores highest, in its order.
        everything = index.search(query, k=100, rerank=False)
        text = index.understand(query).text or query
        scores = reranker.score(text, [texts[h.item_id] for h in everything.hits])
        expected = [everything.hits[i].item_id for i in np.argsort(-scores, kind="stable")[:5]]
        assert [h.item_id for h in ranked.hits] == expected
        changed += [h.item_id for h in ranked.hits] != [h.item_id for h in plain.hits]
    assert changed > 0


@pytest.mark.slow
def test_the_reranker_never_sees_filtered_out_items(tiny_model, small_catalog, make_index):
    folder, _ = tiny_model
    index = make_index()
    index.ingest(small_catalog)
    index.reranker = Reranker(folder)
    result = index.search("t-shirt under $30 in stock", k=10)
    assert result.hits and all(h.price <= 30 and h.available for h in result.hits)


def test_a_folder_without_a_model_is_refused(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="holds no model"):
        Reranker(tmp_path)


@pytest.mark.slow
def test_the_data_dir_model_is_used_when_the_setting_asks(tiny_model, tmp_path) -> None:
    import shutil

    from assistant.services import Services
    from assistant.settings import Settings

    folder, _ = tiny_model
    shutil.copytree(folder, tmp_path / "models" / "reranker")
    catalog, _ = Services(Settings(data_dir=tmp_path, rerank=True)).indexes
    assert isinstance(catalog.reranker, Reranker)
    assert Services(Settings(data_dir=tmp_path)).indexes[0].reranker is None
    with pytest.raises(FileNotFoundError, match="holds no model"):
        _ = Services(Settings(data_dir=tmp_path / "empty", rerank=True)).indexes
