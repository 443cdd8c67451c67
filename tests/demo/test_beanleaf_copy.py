"""Product descriptions state only what the product's own record holds."""

from __future__ import annotations

import re

import pytest

from assistant.demo.beanleaf import BeanleafStore
from assistant.demo.beanleaf.descriptions import NUMBER_WORDS, OPTION_NOUNS, option_values
from retrieval.catalog import Product
from retrieval.text import tokenize
from tests.demo.conftest import SEEDS

Phrase = tuple[str, ...]


def _own_phrases(product: Product) -> set[Phrase]:
    """The product's option values and fact-tag values, as token phrases."""
    values = {value for v in product.variants for value in v.options.values()}
    values |= {tag.partition(":")[2] for tag in product.tags if ":" in tag}
    return {tuple(tokenize(value)) for value in values if tokenize(value)}


def _in(phrase: Phrase, tokens: list[str]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1))


def _stated(text: str, vocabulary: set[Phrase]) -> list[Phrase]:
    """The attribute phrases `text` contains, longest match first ("matte black" is one)."""
    tokens, found, i = tokenize(text), [], 0
    longest = max(len(p) for p in vocabulary)
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            if tuple(tokens[i : i + n]) in vocabulary:
                found.append(tuple(tokens[i : i + n]))
                i += n
                break
        else:
            i += 1
    return found


def _unsupported(product: Product, vocabulary: set[Phrase]) -> list[Phrase]:
    own = _own_phrases(product)
    named = tokenize(f"{product.name} {product.product_type} {product.brand}")
    return [
        phrase
        for phrase in _stated(product.description, vocabulary)
        if phrase not in own and not _in(phrase, named)
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_descriptions_state_only_the_products_own_attribute_values(
    stores: dict[int, BeanleafStore], seed: int
) -> None:
    """Every option value or fact of any product that a description names must be one of
    this product's own (or a word of its name or type: "espresso" in "Espresso Cup")."""
    products = stores[seed].products
    vocabulary = set().union(*(_own_phrases(p) for p in products))
    problems = {p.product_id: _unsupported(p, vocabulary) for p in products}
    assert {k: v for k, v in problems.items() if v} == {}
    # The check has teeth: the copy names plenty of attribute values.
    assert sum(len(_stated(p.description, vocabulary)) for p in products) > 4 * len(products)


def test_a_borrowed_attribute_is_caught(shop: BeanleafStore) -> None:
    products = shop.products
    vocabulary = set().union(*(_own_phrases(p) for p in products))
    light = next(p for p in products if p.variants[0].options.get("roast") == "light")
    mug = next(p for p in products if p.product_type == "Mug")
    assert _unsupported(light, vocabulary) == []
    wrong = light.model_copy(update={"description": light.description + " A dark roast."})
    assert _unsupported(wrong, vocabulary) == [("dark",)]
    wrong = mug.model_copy(update={"description": mug.description + " Made of cast iron."})
    assert _unsupported(wrong, vocabulary) == [("cast", "iron")]


@pytest.mark.parametrize("seed", SEEDS)
def test_numbers_and_counts_in_descriptions_are_the_products(
    stores: dict[int, BeanleafStore], seed: int
) -> None:
    nouns = {plural: option for option, plural in OPTION_NOUNS.items()}
    counted = re.compile(
        rf"\b({'|'.join(NUMBER_WORDS)}) ({'|'.join(sorted(nouns, key=len, reverse=True))})\b"
    )
    for product in stores[seed].products:
        text = product.description
        assert "$" not in text, product.product_id
        own = set(tokenize(" ".join([product.name, *product.tags])))
        own |= {t for v in product.variants for val in v.options.values() for t in tokenize(val)}
        digits = {t for t in tokenize(text) if any(c.isdigit() for c in t)}
        assert digits <= own, (product.product_id, digits - own)
        values = option_values(product)
        for number, noun in counted.findall(text):
            option = nouns[noun]
            assert NUMBER_WORDS.index(number) == len(values[option]), (product.product_id, noun)
        # An option whose value differs between variants is counted, never named (beyond
        # the product's name, which every variant shares anyway).
        named = tokenize(product.name)
        for option, choices in values.items():
            if len(choices) > 1:
                stated = _stated(text, {tuple(tokenize(c)) for c in choices})
                stated = [phrase for phrase in stated if not _in(phrase, named)]
                assert stated == [], (product.product_id, option, stated)


def test_descriptions_are_worded_differently(shop: BeanleafStore) -> None:
    def first_word(product: Product) -> str:
        return product.description.replace(product.name, "NAME").split()[0]

    for kind in ("Coffee Beans", "Loose-Leaf Tea"):
        lines = [p for p in shop.products if p.product_type == kind]
        assert len({first_word(p) for p in lines}) >= 3, kind
    gear = [p for p in shop.products if p.product_type not in ("Coffee Beans", "Loose-Leaf Tea")]
    assert len({first_word(p) for p in gear}) >= 4
    assert len({p.description for p in shop.products}) == len(shop.products)
