"""Shopping tools over a real catalog index (Chroma + bm25s) and the real store.

The index is filled with τ² products; a small hashing embedder stands in for the sentence
model so the test stays fast (the model itself is tested with retrieval).
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.llm.quoting import unquote_tool_result
from assistant.llm.scripted import call, say
from assistant.presentation import replies
from assistant.store import Store
from assistant.store.models import SessionState
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolArgumentsError, ToolError
from assistant.tools.results import CatalogProduct, SearchResults
from assistant.tools.shopping import SHOPPING_TOOLS, each_kind_in_turn
from retrieval.chroma import make_client
from retrieval.faq import FaqIndex
from retrieval.search import CatalogIndex, SearchHit
from tests.engine.engine_support import make_engine
from tests.support import HashingEmbedder


def ctx(store: Store, catalog: CatalogIndex, faq: Any = None) -> ToolContext:
    return ToolContext(store=store, session=SessionState("s1"), catalog=catalog, faq=faq)


def run(name: str, context: ToolContext, **arguments: Any) -> Any:
    """The tool's typed result, checked to be its declared type, as JSON data."""
    tool = SHOPPING_TOOLS.get(name)
    result = tool.call(context, arguments)
    assert isinstance(result, tool.result_type)
    return result.model_dump(mode="json")


def test_search_applies_typed_filters(store: Store, catalog: CatalogIndex) -> None:
    out = run(
        "search_products",
        ctx(store, catalog),
        query="running shoes",
        filters={"max_price": 160, "in_stock": True, "product_type": "Running Shoes"},
    )
    assert out["results"], out
    for hit in out["results"]:
        assert hit["name"] == "Running Shoes" and hit["available"] and hit["price"] <= 160
        assert store.variant(hit["item_id"]).price == hit["price"]


def test_search_filter_schema_rejects_bad_values(store: Store, catalog: CatalogIndex) -> None:
    with pytest.raises(ToolArgumentsError, match=r"filters\.max_price"):
        run("search_products", ctx(store, catalog), query="x", filters={"max_price": -5})
    with pytest.raises(ToolArgumentsError, match=r"filters\.colour"):
        run("search_products", ctx(store, catalog), query="x", filters={"colour": "red"})


def test_get_product_and_item_id_mixup(store: Store, catalog: CatalogIndex) -> None:
    shoes = next(p for p in store.products() if p.name == "Running Shoes")
    out = run("get_product", ctx(store, catalog), product_id=shoes.product_id)
    assert out["product_type"] == "Running Shoes"
    assert {v["item_id"] for v in out["variants"]} == set(shoes.variants)
    item = next(iter(shoes.variants))
    with pytest.raises(ToolError, match=f"{item} is an item id.*{shoes.product_id}"):
        run("get_product", ctx(store, catalog), product_id=item)


def test_get_product_lists_only_the_variants_the_shopper_wants(
    store: Store, catalog: CatalogIndex
) -> None:
    shoes = next(p for p in store.products() if p.name == "Running Shoes")
    every = list(shoes.variants.values())
    cap = sorted(v.price for v in every)[len(every) // 2]
    out = run(
        "get_product",
        ctx(store, catalog),
        product_id=shoes.product_id,
        wanted=f"is there one for under ${cap:.0f}?",
    )
    wanted = {v.item_id for v in every if v.price <= float(f"{cap:.0f}")}
    assert {v["item_id"] for v in out["variants"]} == wanted
    assert out["matching"].startswith(f"{len(wanted)} of its {len(every)} variants")
    # The narrowed list still says what the whole product comes in, for the reply's lead.
    sizes = {v.options["size"] for v in every}
    assert set(out["offered"]["size"]) == sizes and len(out["all_prices"]) == len(every)
    lead = replies.lead(CatalogProduct.model_validate(out))
    assert f"comes in {len(every)} variants" in lead
    assert all(size in lead for size in sizes), lead
    none = run("get_product", ctx(store, catalog), product_id=shoes.product_id, wanted="under $1")
    assert len(none["variants"]) == len(every) and none["matching"].startswith("none of its")


def test_compare_products_and_items(store: Store, catalog: CatalogIndex) -> None:
    shoes = next(p for p in store.products() if p.name == "Running Shoes")
    lamp = next(p for p in store.products() if p.name == "Desk Lamp")
    item_id, variant = next(iter(lamp.variants.items()))
    table = run("compare_products", ctx(store, catalog), ids=[shoes.product_id, item_id])
    assert table["ids"] == [shoes.product_id, item_id]
    rows = {r["attribute"]: r["values"] for r in table["rows"]}
    assert rows["name"] == ["Running Shoes", "Desk Lamp"]
    assert rows["price"][1] == variant.price and rows["available"][1] == variant.available
    low = min(v.price for v in shoes.variants.values())
    assert f"${low:.2f}" in rows["price"][0]
    for key, value in variant.options.items():
        assert rows[key][1] == value
    with pytest.raises(ToolArgumentsError, match="ids: List should have at least 2 items"):
        run("compare_products", ctx(store, catalog), ids=[item_id])
    with pytest.raises(ToolError, match="2 to 5 different ids"):
        run("compare_products", ctx(store, catalog), ids=[item_id, item_id])
    with pytest.raises(ToolError, match="no product or item with id 0000000000"):
        run("compare_products", ctx(store, catalog), ids=[item_id, "0000000000"])


def test_cart_tools(store: Store, catalog: CatalogIndex) -> None:
    context = ctx(store, catalog)
    lamp = next(p for p in store.products() if p.name == "Desk Lamp")
    item_id, variant = next((i, v) for i, v in lamp.variants.items() if v.available)
    cart = run("add_to_cart", context, item_id=item_id, quantity=2)
    assert cart["total"] == round(2 * variant.price, 2)
    assert run("view_cart", context)["items"][0]["quantity"] == 2
    assert run("remove_from_cart", context, item_id=item_id) == {"items": [], "total": 0}
    with pytest.raises(ToolArgumentsError, match="quantity: Input should be greater than or"):
        run("add_to_cart", context, item_id=item_id, quantity=0)
    schema = SHOPPING_TOOLS.get("add_to_cart").openai_schema()["function"]["parameters"]
    assert (
        schema["properties"]["quantity"] | {"minimum": 1, "maximum": 100}
        == schema["properties"]["quantity"]
    )


@pytest.fixture(scope="module")
def faq() -> FaqIndex:
    index = FaqIndex(make_client(), HashingEmbedder(), collection="engine_faq")
    index.ingest_text(
        "policy.md",
        "# Returns\n\n## Refunds\n\nReturns go to the original payment.\n\n"
        "# Shipping\n\nOrders ship within 2 days.\n",
    )
    return index


def test_answer_faq_returns_sources(store: Store, catalog: CatalogIndex, faq: FaqIndex) -> None:
    out = run("answer_faq", ctx(store, catalog, faq), question="refunds returns original payment")
    assert out["question"] == "refunds returns original payment"
    assert {k: out["passages"][0][k] for k in ("source", "heading")} == {
        "source": "policy.md",
        "heading": "Returns > Refunds",
    }
    assert "original payment" in out["passages"][0]["text"]
    assert {p["heading"] for p in out["passages"]} >= {"Returns > Refunds", "Shipping"}
    with pytest.raises(ToolError, match="not available"):
        run("answer_faq", ctx(store, catalog), question="returns?")


def test_search_through_the_engine(store: Store, catalog: CatalogIndex) -> None:
    script = [call("search_products", query="backpack"), say("")]
    engine, model = make_engine(store, script, catalog=catalog)
    out = engine.respond("s1", "show me backpacks")
    data = unquote_tool_result(model.requests[1].messages[-1]["content"])
    assert data["results"] and all(h["name"] == "Backpack" for h in data["results"][:1])
    first = data["results"][0]
    assert first["item_id"] in out.reply and f"${first['price']:,.2f}" in out.reply


def test_a_product_the_catalog_lacks_is_said_not_carried(
    store: Store, catalog: CatalogIndex
) -> None:
    out = run("search_products", ctx(store, catalog), query="do you sell surfboards?")
    assert out["not_carried"] == ["surfboard"]
    lead = replies.lead(SearchResults.model_validate(out))
    assert lead.startswith("Sorry, we don't carry any surfboard."), lead
    # A product the catalog has, asked the same way, is simply found.
    shoes = run("search_products", ctx(store, catalog), query="do you sell running shoes?")
    assert shoes["not_carried"] == [] and shoes["results"]


def test_a_search_for_two_kinds_shows_both(store: Store, catalog: CatalogIndex) -> None:
    query = "t-shirts or running shoes"  # the shoes' variants outrank every shirt here
    out = run("search_products", ctx(store, catalog), query=query)
    kinds = [hit["product_type"] for hit in out["results"]]
    assert set(kinds[:2]) == {"T-Shirt", "Running Shoes"}, kinds
    narrow = catalog.search(query, None, 5)
    assert {h.product_type for h in narrow.hits} == {"Running Shoes"}  # a plain search


def test_each_kind_in_turn_keeps_each_kinds_order() -> None:
    def hit(item: str, kind: str) -> SearchHit:
        return SearchHit(
            product_id=kind,
            item_id=item,
            name=kind,
            product_type=kind,
            options={},
            price=1.0,
            available=True,
            score=0.0,
        )

    hits = [hit("a1", "A"), hit("a2", "A"), hit("b1", "B"), hit("a3", "A"), hit("b2", "B")]
    assert [h.item_id for h in each_kind_in_turn(hits)] == ["a1", "b1", "a2", "b2", "a3"]
