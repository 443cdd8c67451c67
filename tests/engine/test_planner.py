"""Planned turns: the engine picks each tool from what the shopper asked for; the model only
fills in words. Driven by a scripted model and a request detector whose answers the test fixes,
over the real τ² store: these are the engine's guarantees, whatever a model would do."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from assistant.engine.planner import ASK_IDENTITY, OUT_OF_SCOPE
from assistant.engine.requests import Requests
from assistant.llm.scripted import call, say
from assistant.store import Store
from assistant.tools import default_registry
from tests.engine.engine_support import SHOPPER, make_engine, state_hash

EMAIL = SHOPPER["email"]
DELIVERED = SHOPPER["delivered"]  # Headphones, Luggage Set, Notebook, Jigsaw Puzzle
PENDING = SHOPPER["pending"]
EARBUDS_ORDER = "#W1067251"  # delivered: Wireless Earbuds (blue, 4 hours, IPX4), Grill


class FixedRequests:
    """A request detector answering from a table of message → kinds (the classifier itself is
    tested on its own; here the engine's use of what it says is)."""

    def __init__(self, kinds: Mapping[str, tuple[str, ...]]) -> None:
        self.table = dict(kinds)

    def detect(self, text: str, *, fine: bool = False) -> Requests:
        ordered = self.table.get(text, ())
        return Requests(frozenset(ordered), {k: 0.9 for k in ordered}, ordered)


def planned(store: Store, script: list, kinds: Mapping[str, tuple[str, ...]]):  # type: ignore[no-untyped-def]
    return make_engine(store, script, requests=FixedRequests(kinds))


def calls_of(outcome) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(e.name, e.status) for e in outcome.tool_results]


def test_a_status_question_reads_the_order_and_proposes_no_change(store: Store) -> None:
    text = f"hi, where is my order {DELIVERED}? I'm {EMAIL}"
    engine, model = planned(store, [], {text: ("order_status", "identity")})
    out = engine.respond("s1", text)
    assert calls_of(out) == [("find_user_id_by_email", "ok"), ("get_order_details", "ok")]
    assert out.pending_action is None and model.requests == []  # no model call at all
    assert out.reply.startswith(f"Order {DELIVERED} is delivered.")


def test_cancelling_one_item_of_an_order_is_told_it_covers_the_whole_order(store: Store) -> None:
    """ "cancel the air purifier from my order" proposes nothing: items of a pending order are
    not cancelled one by one; the reply lists what cancelling the order would cancel."""
    text = f"{EMAIL} - please cancel the air purifier from my order, I don't need it"
    engine, _ = planned(store, [], {text: ("cancel", "identity")})
    out = engine.respond("s1", text)
    assert out.pending_action is None
    assert "cancel_pending_order" not in [name for name, _ in calls_of(out)]
    assert "can't be cancelled one by one" in out.reply and "Indoor Security Camera" in out.reply
    whole = f"{EMAIL} - please cancel the order with the air purifier, I don't need it"
    engine, _ = planned(store, [], {whole: ("cancel", "identity")})
    proposed = engine.respond("s2", whole)
    assert proposed.pending_action is not None
    assert proposed.pending_action["arguments"]["order_id"] == PENDING


def test_a_payment_method_named_for_a_return_in_progress_answers_it(store: Store) -> None:
    """ "the gift card" after a return was asked for picks the refund method; it does not start
    a payment change of some order."""
    ask = f"{EMAIL} - I want to return the headphones from {DELIVERED}"
    answer = "use the gift card"
    engine, _ = planned(store, [], {ask: ("return", "identity"), answer: ("payment",)})
    engine.respond("s1", ask)
    out = engine.respond("s1", answer)
    assert out.pending_action is not None, out.reply
    assert out.pending_action["name"] == "return_delivered_order_items"
    assert out.pending_action["arguments"]["payment_method_id"] == "gift_card_2259499"


def test_an_order_request_before_sign_in_asks_who_the_shopper_is(store: Store) -> None:
    text = "can I send back the headphones I got?"
    engine, model = planned(store, [], {text: ("return",)})
    out = engine.respond("s1", text)
    assert out.tool_results == [] and out.reply == ASK_IDENTITY and model.requests == []


def test_an_invented_person_is_never_looked_up(store: Store) -> None:
    """'my wife loves yoga': a name the shopper did not give (and no zip) has no source."""
    text = "my wife loves yoga, any ideas for her birthday?"
    lookup = call("find_user_id_by_name_zip", first_name="wife", last_name="Lind", zip="456")
    engine, _ = make_engine(store, [lookup, say("Here are some ideas.")])
    before = state_hash(store)
    out = engine.respond("s1", text)
    [result] = out.tool_results
    assert result.status == "refused" and "not something the shopper said" in str(result.error)
    assert store.load_session("s1").user_id is None and state_hash(store) == before


def test_an_invented_search_query_is_refused(store: Store) -> None:
    """'a recipe for pancakes' searched as 'platter': a query word the shopper never wrote."""
    engine, _ = make_engine(store, [call("search_products", query="platter"), say("Sorry.")])
    out = engine.respond("s1", "give me a recipe for pancakes")
    [result] = out.tool_results
    assert result.status == "refused" and "query" in str(result.error)


def test_out_of_scope_gets_a_polite_no_and_no_tool(store: Store) -> None:
    text = "give me a recipe for pancakes"
    engine, model = planned(store, [], {text: ("out_of_scope",)})
    out = engine.respond("s1", text)
    assert out.tool_results == [] and out.reply == OUT_OF_SCOPE and model.requests == []


def test_a_swap_is_an_exchange_of_the_variant_asked_for_never_a_return(store: Store) -> None:
    text = (
        f"I'm {EMAIL}. The wireless earbuds from {EARBUDS_ORDER} are fine but I'd rather "
        "have them in black, IPX7 if you can, could you swap them? Any difference on my mastercard."
    )
    engine, _ = planned(store, [], {text: ("swap", "identity")})
    out = engine.respond("s1", text)
    names = [name for name, _ in calls_of(out)]
    assert out.pending_action is not None, out.reply
    assert out.pending_action["arguments"]["payment_method_id"] == "credit_card_3362387"
    assert "return_delivered_order_items" not in names, out.reply
    assert names[-1] == "exchange_delivered_order_items" and out.pending_action is not None
    [new] = out.pending_action["arguments"]["new_item_ids"]
    product = store.product("9924732112")
    assert product is not None
    chosen = product.variants[new]
    assert (chosen.options["color"], chosen.options["water resistance"]) == ("black", "IPX7")
    # The rest stays as ordered (4 hours), and the variant can be bought.
    assert chosen.options["battery life"] == "4 hours" and chosen.available


def test_a_swap_asks_which_payment_method_takes_the_difference(store: Store) -> None:
    """The variant is clear but no payment method was named: asked, nothing proposed."""
    text = f"I'm {EMAIL}. Could the wireless earbuds from {EARBUDS_ORDER} be black, IPX7?"
    after = "the gift card please"
    engine, _ = planned(store, [], {text: ("swap", "identity"), after: ("swap",)})
    out = engine.respond("s1", text)
    assert out.pending_action is None
    assert "credit_card_3362387" in out.reply and "gift_card_2259499" in out.reply
    out = engine.respond("s1", after)
    assert out.pending_action is not None, out.reply
    assert out.pending_action["arguments"]["payment_method_id"] == "gift_card_2259499"


def test_an_unclear_swap_asks_which_variant(store: Store) -> None:
    """Two black variants keep the rest as close: the engine asks, it does not pick."""
    text = f"I'm {EMAIL}. Swap the wireless earbuds from {EARBUDS_ORDER} for black ones?"
    engine, _ = planned(store, [], {text: ("swap", "identity")})
    out = engine.respond("s1", text)
    assert out.pending_action is None
    assert out.reply.startswith("What would you like instead of the Wireless Earbuds")
    assert "9580569596" in out.reply and "4063058357" in out.reply


def test_a_yes_that_names_another_change_runs_nothing(store: Store) -> None:
    """A return waits; "yes, exchange it" names another change: asked again, nothing runs."""
    ask = f"I'm {EMAIL}, please return the grill from {EARBUDS_ORDER}"
    yes = "yes, exchange it"
    engine, _ = planned(store, [], {ask: ("return", "identity"), yes: ("confirm", "swap")})
    first = engine.respond("s1", ask)
    assert first.pending_action is not None
    assert first.pending_action["name"] == "return_delivered_order_items"
    before = state_hash(store)
    second = engine.respond("s1", yes)
    assert second.tool_results == [] and state_hash(store) == before
    assert "not the change waiting" in second.reply
    assert store.load_session("s1").pending_action == first.pending_action
    third = engine.respond("s1", "yes")
    assert [(e.name, e.status) for e in third.tool_results][:1] == [
        ("return_delivered_order_items", "ok")
    ]
    assert store.order(EARBUDS_ORDER).status == "return requested"  # type: ignore[union-attr]


def test_a_refund_goes_to_the_gift_card_named_and_a_yes_naming_another_method_waits(
    store: Store,
) -> None:
    """The refund method is the one the shopper named, read from their details; a yes that
    names another method asks again and runs nothing."""
    ask = f"I'm {EMAIL}, return the grill from {EARBUDS_ORDER}, money back on my gift card"
    yes = "yes, to my credit card"
    engine, _ = planned(store, [], {ask: ("return", "identity"), yes: ("confirm",)})
    first = engine.respond("s1", ask)
    assert first.pending_action is not None, first.reply
    assert first.pending_action["arguments"]["payment_method_id"] == "gift_card_2259499"
    before = state_hash(store)
    second = engine.respond("s1", yes)
    assert second.tool_results == [] and state_hash(store) == before
    assert "credit_card_3362387" in second.reply and "gift_card_2259499" in second.reply
    assert store.load_session("s1").pending_action == first.pending_action


def test_a_change_the_status_does_not_allow_is_refused_in_words(store: Store) -> None:
    text = f"I'm {EMAIL}, cancel order {DELIVERED} please"
    engine, _ = planned(store, [], {text: ("cancel", "identity")})
    out = engine.respond("s1", text)
    assert out.pending_action is None
    assert out.reply == (
        f"Order {DELIVERED} is delivered, so it can't be cancelled. Only pending orders can "
        "be cancelled."
    )


def test_the_cheapest_is_sorted_by_price(store: Store, catalog: object) -> None:
    text = "what's the cheapest water bottle you have?"
    engine, _ = planned(store, [call("search_products", query="water bottle")], {text: ("search",)})
    engine.catalog = catalog
    engine.gate.catalog = catalog
    out = engine.respond("s1", text)
    [search] = [e for e in out.tool_results if e.name == "search_products"]
    assert search.ok and search.arguments is not None and search.arguments["sort"] == "price_asc"
    prices = [h["price"] for h in search.data["results"]]
    assert prices == sorted(prices) and prices


def test_a_cart_add_runs_at_once_and_offers_an_undo(store: Store) -> None:
    item = next(i for p in store.products() for i, v in p.variants.items() if v.available)
    text = f"add {item} to my basket"
    engine, _ = planned(
        store, [call("add_to_cart", item_id=item, quantity=1)], {text: ("cart_add",)}
    )
    out = engine.respond("s1", text)
    assert [(e.name, e.status) for e in out.tool_results] == [("add_to_cart", "ok")]
    assert [i.item_id for i in store.cart_items("s1")] == [item]
    assert "undo" in out.reply.lower() and out.pending_action is None
    undo = "undo that"
    engine, _ = planned(store, [], {undo: ("cart_undo",)})
    assert calls_of(engine.respond("s1", undo)) == [("undo_cart_change", "ok")]
    assert store.cart_items("s1") == []


def test_a_removal_takes_out_the_count_it_names(store: Store) -> None:
    """ "I only wanted one of them, take two out" removes two, not one."""
    item = next(i for p in store.products() for i, v in p.variants.items() if v.available)
    add, take = (
        f"put 3 of item {item} in my basket",
        "oops, I only wanted one of them. take two out",
    )
    engine, _ = planned(store, [], {add: ("cart_add",), take: ("cart_remove",)})
    assert calls_of(engine.respond("s1", add)) == [("add_to_cart", "ok")]
    out = engine.respond("s1", take)
    assert calls_of(out) == [("remove_from_cart", "ok")], out.reply
    assert [(i.item_id, i.quantity) for i in store.cart_items("s1")] == [(item, 1)]


def test_two_described_items_are_each_found_and_added_and_one_removed_by_name(
    store: Store, catalog: object
) -> None:
    """Each item of "a ... bottle and ... shoes" is searched on its own words (the other's
    options do not filter it) and added; "drop the shoes" takes out the shoes only."""
    text = "put a blue 750ml plastic water bottle and black running shoes in size 9 in my basket"
    drop = "actually drop the shoes"
    engine, _ = planned(store, [], {text: ("cart_add",), drop: ("cart_remove",)})
    engine.catalog = catalog
    engine.gate.catalog = catalog
    out = engine.respond("s1", text)
    assert calls_of(out) == [("search_products", "ok"), ("add_to_cart", "ok")] * 2, out.reply
    assert {i.item_id for i in store.cart_items("s1")} == {"6974536207", "4107812777"}
    out = engine.respond("s1", drop)
    assert [i.item_id for i in store.cart_items("s1")] == ["6974536207"], out.reply


@pytest.mark.parametrize("kind", ["cancel", "return", "swap", "order_address", "payment"])
def test_a_change_is_offered_only_when_asked_for(store: Store, kind: str) -> None:
    """A status question offers no change tool; asking for a change offers its kind only."""
    from assistant.engine.offer import offered_tools
    from assistant.store.models import SessionState

    registry = default_registry()
    signed_in = SessionState("s", user_id=SHOPPER["user_id"])
    status = offered_tools(
        registry, Requests(frozenset({"order_status"}), {}, ("order_status",)), (), signed_in
    )
    changes = {t.name for t in registry if t.kind.value == "change"}
    assert not status.tools & changes
    asked = offered_tools(registry, Requests(frozenset({kind}), {}, (kind,)), (), signed_in)
    offered = asked.tools & changes
    assert offered and all(kind in registry.get(name).offered_for for name in offered)


def test_facts_from_the_conversation_pick_the_order_with_the_named_item(store: Store) -> None:
    text = f"I'm {EMAIL}. Has the grill shipped?"
    engine, _ = planned(store, [], {text: ("order_status", "identity")})
    out = engine.respond("s1", text)
    read = [
        json.loads(json.dumps(e.arguments))["order_id"]
        for e in out.tool_results
        if e.name == "get_order_details"
    ]
    assert read[-1] == EARBUDS_ORDER


def test_a_policy_question_worded_as_a_comparison_compares_no_products(store: Store) -> None:
    """'the difference between standard and express delivery' is a help-page question: with
    no product named or pointed at there is nothing to compare, and no search is run."""
    text = "what's the difference between standard and express delivery, time-wise?"
    engine, _ = planned(store, [say("Express is faster.")], {text: ("faq", "compare")})
    out = engine.respond("s1", text)
    names = [name for name, _ in calls_of(out)]
    assert "compare_products" not in names and "search_products" not in names
    assert names.count("answer_faq") == 1
