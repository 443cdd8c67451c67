"""Shopper events the engine records: an impression per item a search, recommendation or
similar-products list shows, and cart adds credited to the source that showed the item."""

from __future__ import annotations

from assistant.engine.shopper_events import turn_events
from assistant.llm.scripted import call, say
from assistant.presentation import ToolOutput
from assistant.store import Store
from assistant.store.models import Event, SessionState
from assistant.tools.results import Cart, Reason, Suggestion, Suggestions
from retrieval.search import CatalogIndex
from tests.engine.engine_support import make_engine


def test_a_search_turn_records_its_impressions_and_the_add_it_led_to(
    store: Store, catalog: CatalogIndex
) -> None:
    engine, _ = make_engine(
        store, [call("search_products", query="backpack"), say("")], catalog=catalog
    )
    out = engine.respond("s1", "show me backpacks")
    [result] = out.tool_results
    hits = result.result.results
    assert len(hits) >= 2, out.reply
    shown = store.events("s1")
    assert [(e.kind, e.source, e.query, e.position) for e in shown] == [
        ("impression", "search", "backpack", n) for n in range(1, len(hits) + 1)
    ]
    assert [(e.product_id, e.item_id) for e in shown] == [(h.product_id, h.item_id) for h in hits]
    assert all(e.session_id == "s1" and e.user_id is None for e in shown)

    second = hits[1]
    engine, _ = make_engine(
        store, [call("add_to_cart", item_id=second.item_id), say("Added.")], catalog=catalog
    )
    out = engine.respond("s1", f"add the second one, item {second.item_id}")
    assert [i.item_id for i in store.cart_items("s1")] == [second.item_id], out.reply
    added = store.events("s1")[len(hits) :]
    assert [(e.kind, e.source, e.product_id, e.item_id) for e in added] == [
        ("cart_add", "search", second.product_id, second.item_id)
    ]
    assert store.events("s2") == []


def test_an_add_nothing_showed_is_credited_to_other(store: Store, catalog: CatalogIndex) -> None:
    item = next(
        v
        for p in store.products()
        if p.name == "Water Bottle"
        for v in p.variants.values()
        if v.available
    )
    engine, _ = make_engine(
        store, [call("add_to_cart", item_id=item.item_id), say("Added.")], catalog=catalog
    )
    out = engine.respond("s2", f"please add item {item.item_id} to my cart")
    assert [i.item_id for i in store.cart_items("s2")] == [item.item_id], out.reply
    [added] = store.events("s2")
    assert (added.kind, added.source, added.item_id) == ("cart_add", "other", item.item_id)


def test_a_failed_add_records_nothing(store: Store, catalog: CatalogIndex) -> None:
    engine, _ = make_engine(
        store, [call("add_to_cart", item_id="0000000000"), say("Sorry.")], catalog=catalog
    )
    out = engine.respond("s3", "add item 0000000000")
    assert out.tool_errors + out.policy_refusals == 1
    assert store.events("s3") == []


def _suggested(about: str, *picks: tuple[str, str | None]) -> Suggestions:
    return Suggestions(
        about=about,
        results=[
            Suggestion(
                product_id=product,
                item_id=item,
                name="Thing",
                price=10.0,
                available=True,
                reasons=[Reason(signal="bought_together", text="bought together")],
            )
            for product, item in picks
        ],
    )


def _cart(product: str, item: str) -> Cart:
    line = {"item_id": item, "quantity": 1, "product_id": product, "name": "Thing"}
    return Cart.model_validate(
        {"items": [{**line, "options": {}, "unit_price": 10.0, "available": True}], "total": 10}
    )


def test_suggestions_and_the_latest_source_that_showed_an_item() -> None:
    session = SessionState("s9", user_id="u9")
    earlier = [
        Event(session_id="s9", kind="impression", product_id="p1", item_id="i1", source="search")
    ]
    reads: list[int] = []

    def stored() -> list[Event]:
        reads.append(1)
        return earlier

    outputs = [
        ToolOutput("recommend_for_user", {"context": "for hiking"}, _suggested("u9", ("p2", "i2"))),
        ToolOutput("similar_products", {"product_id": "p2"}, _suggested("p2", ("p1", None))),
        ToolOutput("add_to_cart", {"item_id": "i1", "quantity": 1}, _cart("p1", "i1")),
        ToolOutput("add_to_cart", {"item_id": " i2 ", "quantity": 1}, _cart("p2", "i2")),
    ]
    events = turn_events(outputs, session, stored)
    assert [(e.kind, e.source, e.product_id, e.item_id, e.query, e.position) for e in events] == [
        ("impression", "recommendation", "p2", "i2", "for hiking", 1),
        ("impression", "similar", "p1", None, None, 1),
        # p1 was shown by search before, then as a product by similar: the latest counts.
        ("cart_add", "similar", "p1", "i1", None, None),
        ("cart_add", "recommendation", "p2", "i2", None, None),
    ]
    assert all(e.user_id == "u9" for e in events)
    assert len(reads) == 1  # the stored events are read once, and only for cart adds
    assert turn_events(outputs[:2], session, stored) and len(reads) == 1
