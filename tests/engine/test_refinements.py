"""Follow-ups read against what came before: a search that refines keeps the constraints the
shopper did not restate, a change turned down in words is a decline, and an exchange keeps
the options the shopper asked to keep. Over the real τ² catalog vocabulary."""

from __future__ import annotations

from assistant.engine.completion import complete_search
from assistant.engine.gate import turned_down
from assistant.engine.order_changes import items_pointed, wanted_variants
from assistant.engine.requests import Requests
from assistant.store.models import OrderItem
from retrieval.search import CatalogIndex

BACKPACKS = {
    "query": "backpack between 190 200 dollars",
    "filters": {"min_price": 190.0, "max_price": 200.0, "product_type": "Backpack"},
    "sort": "relevance",
}


def test_a_refinement_keeps_the_earlier_budget_and_type(catalog: CatalogIndex) -> None:
    query = {"query": "backpack between 190 200 dollars sort them cheapest first"}
    done = complete_search(query, "sort them cheapest first", catalog.vocabulary, BACKPACKS)
    assert done["filters"] == {"min_price": 190.0, "max_price": 200.0, "product_type": "Backpack"}
    assert done["sort"] == "price_asc"


def test_a_restated_budget_replaces_the_earlier_one(catalog: CatalogIndex) -> None:
    query = {"query": "backpack between 190 200 dollars under 150"}
    done = complete_search(query, "anything under $150?", catalog.vocabulary, BACKPACKS)
    assert done["filters"]["max_price"] == 150.0 and "min_price" not in done["filters"]


def test_a_new_search_starts_afresh(catalog: CatalogIndex) -> None:
    done = complete_search({"query": "t-shirts"}, "show me t-shirts", catalog.vocabulary, BACKPACKS)
    assert done["filters"] == {"product_type": "T-Shirt"}


def test_an_option_read_in_the_refined_products_context(catalog: CatalogIndex) -> None:
    text = "she hates polyester, so only nylon ones"
    done = complete_search(
        {"query": f"{BACKPACKS['query']} {text}"}, text, catalog.vocabulary, BACKPACKS
    )
    assert done["filters"]["options"] == {"material": "nylon"}
    assert done["filters"]["max_price"] == 200.0


def test_a_size_word_is_read_as_the_size_the_type_has(catalog: CatalogIndex) -> None:
    text = "a purple t-shirt in small?"
    done = complete_search({"query": text}, text, catalog.vocabulary)
    assert done["filters"]["options"] == {"color": "purple", "size": "s"}


def test_a_change_turned_down_in_words_is_a_decline() -> None:
    asked = Requests(frozenset({"cancel"}), {"cancel": 0.9}, ("cancel",))
    read = turned_down("hmm wait. don't cancel it, leave it as is", asked)
    assert read.ordered == ("decline",) and read.kinds == {"decline"}
    kept = turned_down("please cancel it, I don't need it", asked)
    assert kept == asked
    swap = Requests(frozenset({"return", "swap"}), {}, ("return", "swap"))
    assert turned_down("I don't want to return it, exchange it", swap).ordered == (
        "swap",
        "decline",
    )


def test_an_exchange_keeps_the_colour_the_shopper_keeps() -> None:
    helmet = OrderItem(
        name="Cycling Helmet",
        product_id="p",
        item_id="m-red",
        price=10.0,
        options={"size": "M", "color": "red"},
    )
    stock = {"p": {"l-blue": {"size": "L", "color": "blue"}, "m-red": helmet.options}}
    said = "my helmet is too small, a large in the same red please"
    assert wanted_variants([helmet], stock, said, said) == set()
    stock["p"]["l-red"] = {"size": "L", "color": "red"}
    assert wanted_variants([helmet], stock, said, said) == {"l-red"}
    assert wanted_variants([helmet], stock, said, "a large in blue then?") == {"l-blue"}


def test_the_black_one_points_at_one_of_two_items_of_a_product() -> None:
    """Two bookshelves told apart by colour: "the black one" is the black shelf only."""

    def shelf(item_id: str, color: str) -> OrderItem:
        options = {"material": "glass", "color": color}
        return OrderItem(
            name="Bookshelf", product_id="b", item_id=item_id, price=1.0, options=options
        )

    brown, black = shelf("brown", "brown"), shelf("black", "black")
    latest = "actually, make the black one the black metal 6 ft instead, keep the other change"
    assert items_pointed([brown, black], latest) == {"black"}
    assert items_pointed([brown, black], "make the black bookshelf taller") == {"black"}
    assert items_pointed([brown, black], "change both to glass") == set()
    assert items_pointed([black], latest) == set()  # one item needs no pointing


def test_an_option_of_another_kind_does_not_filter_the_search(catalog: CatalogIndex) -> None:
    text = "a blue 750ml plastic water bottle and black running shoes in size 9"
    done = complete_search({"query": "a blue 750ml plastic water bottle"}, text, catalog.vocabulary)
    assert done["filters"]["product_type"] == "Water Bottle"
    assert "size" not in done["filters"].get("options", {}), done
