"""Query understanding: constraints in free text become filters, from the catalog's vocabulary."""

from __future__ import annotations

import pytest
from conftest import product

from retrieval.documents import variant_meta
from retrieval.filters import SearchFilters
from retrieval.query import asked_for, parse_query
from retrieval.table import Vocabulary

CATALOG = [
    product(
        "1",
        "T-Shirt",
        [
            ("a", {"color": "blue", "size": "M", "material": "cotton"}, 20, True),
            ("b", {"color": "grey", "size": "XL", "material": "polyester"}, 30, True),
            ("b2", {"color": "gray", "size": "S", "material": "cotton"}, 30, True),
        ],
    ),
    product(
        "2",
        "Headphones",
        [
            ("c", {"connectivity": "wireless", "color": "black"}, 99, True),
            ("c2", {"connectivity": "wired", "color": "black"}, 89, True),
        ],
    ),
    product("3", "Laptop", [("d", {"ram": "32GB", "screen size": "13-inch"}, 1500, True)]),
    product(
        "4",
        "Backpack",
        [("e", {"compartment": "laptop", "size": "large", "color": "black"}, 80, True)],
    ),
    product("5", "Running Shoes", [("f", {"size": "9", "color": "white"}, 120, True)]),
    product("5b", "Hiking Boots", [("f2", {"waterproof": "yes"}, 120, True)]),
    product("6", "Sneakers", [("g", {"size": "10", "color": "blue"}, 90, True)]),
    product("7", "Jigsaw Puzzle", [("h", {"pieces": "1000", "theme": "art"}, 40, True)]),
    product(
        "8",
        "Sunglasses",
        [
            (
                "i",
                {"frame color": "black", "lens color": "black", "lens type": "polarized"},
                90,
                True,
            )
        ],
    ),
    product("9", "Smart Watch", [("j", {"band material": "leather"}, 300, True)]),
    product("10", "Wristwatch", [("k", {"strap material": "leather"}, 200, True)]),
    product(
        "11", "Pet Bed", [("l", {"size": "large", "color": "brown"}, 60, True)], brand="Cozy Paws"
    ),
    product("12", "Action Camera", [("m", {"resolution": "4K"}, 300, True)]),
    product("13", "Digital Camera", [("n", {"resolution": "24MP"}, 500, True)]),
    product(
        "14",
        "Bluetooth Speaker",
        [
            ("o", {"water resistance": "yes", "color": "red"}, 80, True),
            ("o2", {"water resistance": "no", "color": "red"}, 70, True),
        ],
    ),
    product("16", "Vacuum Cleaner", [("q", {"type": "robotic"}, 500, True)]),
    product(
        "15",
        "E-Reader",
        [
            ("p", {"connectivity": "wi-fi", "screen size": "6-inch"}, 100, True),
            ("p2", {"connectivity": "wi-fi + cellular", "screen size": "7-inch"}, 150, True),
        ],
    ),
]
VOCAB = Vocabulary.from_metas([variant_meta(p, v) for p in CATALOG for v in p.variants])


def parse(text: str) -> SearchFilters:
    return parse_query(text, VOCAB).filters


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("t-shirt under $50", None, 50),
        ("shirts below 40 dollars", None, 40),
        ("tee between 20 and 40 dollars", 20, 40),
        ("headphones between $20 and $40.50", 20, 40.5),
        ("laptop $1000-$2000", 1000, 2000),
        ("shirt 20-40 dollars", 20, 40),
        ("dumbbells 30-50 lbs", None, None),
        ("a lamp for $40 or less", None, 40),
        ("speaker $100 and up", 100, None),
        ("kettle 30 dollars or more", 30, None),
        ("watch over $100", 100, None),
        ("something at least 25 usd", 25, None),
        ("puzzle less than 45", None, 45),
        ("around $100 headphones", 80, 120),
        ("puzzle over 1000 pieces", None, None),  # pieces, not dollars
        ("laptop under 15 inches", None, None),
        ("kettles for less than a hundred bucks", None, 100),
        ("two hundred and fifty dollars or less", None, 250),
        ("a dog and two cats", None, None),
        ("running shoes in a 9, budget's 150 max", None, 150),
        ("my budget is $80", None, 80),
        ("I don't want to spend more than $100", None, 100),
        ("won't pay over 70 bucks", None, 70),
        ("$150 tops", None, 150),
        ("shoes, size 9 max", None, None),
    ],
)
def test_prices(text: str, low: float | None, high: float | None) -> None:
    filters = parse(text)
    assert (filters.min_price, filters.max_price) == (low, high)


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("t-shirts", ["T-Shirt"]),
        ("T Shirt", ["T-Shirt"]),
        ("tshirt", ["T-Shirt"]),
        ("a tee for summer", ["T-Shirt"]),
        ("hedphones", ["Headphones"]),  # misspelt
        ("running shoe", ["Running Shoes"]),
        ("shoes", ["Running Shoes", "Sneakers"]),
        ("watch", ["Smart Watch", "Wristwatch"]),
        ("camera", ["Action Camera", "Digital Camera"]),
        ("dog bed", ["Pet Bed"]),
        ("something nice", []),
    ],
)
def test_types(text: str, types: list[str]) -> None:
    assert sorted(parse(text).product_types) == sorted(types)


def test_options_stock_and_brand() -> None:
    filters = parse("blue cotton t-shirt size M in stock under $50")
    assert filters.product_types == ["T-Shirt"]
    assert filters.options == {"color": ["blue"], "material": ["cotton"], "size": ["m"]}
    assert filters.available is True and filters.max_price == 50
    assert parse("grey tee").options == {"color": ["gray", "grey"]}
    assert parse("16GB or 32gb ram laptop").options == {"ram": ["32gb"]}
    assert parse("running shoes size 9").options == {"size": ["9"]}
    assert parse("1000 piece puzzle").options == {"pieces": ["1000"]}
    assert parse("out of stock sneakers").available is False
    assert parse("cozy paws bed").brands == ["Cozy Paws"]
    assert parse("waterproof boots").options == {"waterproof": ["yes"]}


def test_owned_products_are_not_the_search() -> None:
    assert parse("a bag to carry my laptop").product_types == []
    assert parse("protect my running shoes").product_types == []
    assert parse("laptop for my son").product_types == ["Laptop"]
    # "your" is the store's: the shopper is asking for them.
    assert parse("show me your laptops").product_types == ["Laptop"]


def test_type_words_used_as_options() -> None:
    filters = parse("laptop backpack")
    assert filters.product_types == ["Backpack"]
    assert filters.options == {"compartment": ["laptop"]}


def test_everyday_words_need_a_type_with_that_option() -> None:
    assert parse("large").options == {}
    filters = parse("large dog bed")
    assert filters.options == {"size": ["large"]} and filters.product_types == ["Pet Bed"]
    assert parse("leather smart watch").options == {"band material": ["leather"]}
    # Two kinds of watch keep leather under different option names: no guess, no filter.
    assert parse("leather watch").options == {}


def test_unknown_values_are_not_invented() -> None:
    assert parse("purple t-shirt").options == {}  # the catalog has no purple
    # Everyday words one edit from a catalog word are not "corrected" into filters.
    assert parse("protect my head while biking").options == {}
    assert parse("a good gift").options == {}


def test_ranking_text_drops_price_and_stock_phrases() -> None:
    parsed = parse_query("wireless headphones under $100 in stock", VOCAB)
    assert parsed.text == "wireless headphones"
    assert parsed.understood == [
        "price under $100",
        "in stock",
        "type Headphones",
        "connectivity wireless",
    ]


def test_explicit_filters_win_per_field() -> None:
    explicit = SearchFilters(max_price=30, options={"color": ["red"]})
    merged = explicit.merged(parse("blue cotton t-shirt under $50"))
    assert merged.max_price == 30
    # A text bound that contradicts an explicit one is dropped, not an error.
    assert SearchFilters(min_price=79).merged(parse("shirt under $50")).max_price is None
    assert SearchFilters(max_price=20).merged(parse("shirt over $50")).min_price is None
    assert merged.options == {"color": ["red"], "material": ["cotton"]}
    assert merged.product_types == ["T-Shirt"]


@pytest.mark.parametrize(
    "text",
    ["waterproof speaker", "water resistant bluetooth speaker", "bluetoth speker thats waterprof"],
)
def test_a_yes_no_option_is_asked_for_by_its_adjective(text: str) -> None:
    filters = parse(text)
    assert filters.product_types == ["Bluetooth Speaker"]
    assert filters.options == {"water resistance": ["yes"]}


def test_a_word_only_one_option_value_has_names_that_value() -> None:
    filters = parse("e-reader 6 inch with cellular")
    assert filters.options == {"screen size": ["6-inch"], "connectivity": ["wi-fi + cellular"]}
    # "wi-fi" is in both values: it names the single-word one, not a guess at the other.
    assert parse("wi-fi e-reader").options == {"connectivity": ["wi-fi"]}
    assert parse("cellular").options == {}  # an everyday word without a type: no filter


def test_the_product_a_do_you_sell_question_asks_for() -> None:
    assert asked_for("do you guys sell surfboards?") == ["surfboard"]
    assert asked_for("got any hammocks") == ["hammock"]
    assert asked_for("do you carry the blue ones") == ["blue"]  # the index decides it is known
    assert asked_for("something to carry it in, nothing over $50") == []
    assert asked_for("red running shoes size 9") == []


def test_a_noun_names_its_adjective_option_value() -> None:
    filters = parse("robot vacuum")
    assert filters.product_types == ["Vacuum Cleaner"] and filters.options == {"type": ["robotic"]}


def test_everyday_words_for_option_values() -> None:
    assert parse("headphones with a proper cable").options == {"connectivity": ["wired"]}
    assert parse("a cable").options == {}  # no type: no guess


def test_a_named_option_no_recognised_type_has_rereads_a_type_phrase_as_a_value() -> None:
    coffee = product(
        "c1",
        "Coffee Beans",
        [
            ("cd", {"roast": "dark", "grind": "french press"}, 15.5, True),
            ("cl", {"roast": "light", "grind": "whole bean"}, 20.0, True),
        ],
    )
    press = product("p1", "French Press", [("fp", {"capacity": "1L"}, 41.99, True)])
    vocab = Vocabulary.from_metas([variant_meta(p, v) for p in (coffee, press) for v in p.variants])
    filters = parse_query("what dark roasts do you have for my french press", vocab).filters
    assert filters.product_types == []
    assert filters.options == {"roast": ["dark"], "grind": ["french press"]}
    # Named options the type has keep the type: "a 1L french press".
    kept = parse_query("a french press with 1L capacity", vocab).filters
    assert kept.product_types == ["French Press"] and kept.options == {"capacity": ["1l"]}
