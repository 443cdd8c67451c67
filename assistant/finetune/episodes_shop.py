"""Shopping episodes: product search, details, comparison, cart, FAQ, product types.

No authentication is needed for any of them. Product wording comes from the catalog
itself (a real variant's option values and a price limit above its price), so searches
usually find something, and sometimes (an impossible price) relax their filters.
"""

from __future__ import annotations

import math
import random
from typing import Any

from assistant.engine.sources import need_words
from assistant.finetune import answers
from assistant.finetune.oracle import Observation
from assistant.finetune.phrasebook import FAQ_QUESTIONS
from assistant.finetune.phrasing import ORDINALS, plural
from assistant.finetune.scenarios import (
    Conversation,
    Episode,
    Turn,
    answer_with,
    ok_data,
)

_SKIPPED_VALUES = {"yes", "no", "none", "not resistant"}
_AFTER_NOUN_KEYS = {"size", "frame size", "screen size", "length", "pieces", "thickness"}
_PRICE_FORMS = ("under ${n}", "below ${n}", "for less than ${n}", "under {n} dollars",
                "cheaper than ${n}", "up to ${n}")  # fmt: skip
_QUANTITY_WORDS = {1: "one", 2: "two", 3: "three"}


def product_phrase(product: dict[str, Any], rng: random.Random) -> str:
    """How a shopper might describe a product of the catalog, e.g. 'blue t-shirts under $55'."""
    variant = rng.choice(list(product["variants"].values()))
    noun = product["name"] if rng.random() < 0.15 else product["name"].lower()
    if rng.random() < 0.6:
        noun = plural(noun)
    before: list[str] = []
    after: list[str] = []
    options = [(k, v) for k, v in variant["options"].items() if v.lower() not in _SKIPPED_VALUES]
    rng.shuffle(options)
    for key, value in options[: rng.choice((0, 1, 1, 2))]:
        if key.lower() in _AFTER_NOUN_KEYS:
            after.append(f"in {key.lower()} {value}" if key.lower() == "size" else f"in {value}")
        else:
            before.append(value if rng.random() < 0.85 else value.lower())
    waterproof = variant["options"].get("waterproof")
    if waterproof == "yes" and rng.random() < 0.7:
        before.insert(0, "waterproof")
    parts = [*before, noun, *after]
    roll = rng.random()
    if roll < 0.45:
        limit = variant["price"] * rng.uniform(1.05, 1.4)
        n = math.ceil(limit / 10) * 10 if limit > 100 else math.ceil(limit)
        parts.append(rng.choice(_PRICE_FORMS).format(n=n))
    elif roll < 0.52:
        parts.append(rng.choice(_PRICE_FORMS).format(n=rng.choice((2, 3, 5))))
    elif roll < 0.6:
        parts.append("in stock")
    return " ".join(parts)


def search(conv: Conversation) -> Episode:
    """The shopper describes what they want; search with their words; list the results."""
    phrase = conv.slot_noise(product_phrase(conv.rng.choice(conv.world.products), conv.rng))
    text, family = conv.say("search", phrase=phrase)
    steps = [
        # The grammar holds a query to the words that say what is wanted.
        conv.call("search_products", query=" ".join(need_words(phrase))),
        answer_with(lambda obs: answers.search_answer(ok_data(obs, "search_products"))),
    ]
    yield Turn(text, steps, "search", family)


def _shown_hits(conv: Conversation) -> list[dict[str, Any]]:
    return conv.hits[:3]


def details(conv: Conversation) -> Episode:
    """More about one product: a result of the last search, or a product id."""
    shown = _shown_hits(conv)
    if shown and conv.rng.random() < 0.7:
        i = conv.rng.randrange(len(shown))
        product_id = shown[i]["product_id"]
        text, family = conv.say("details", ordinal=ORDINALS[i])
    else:
        product_id = conv.rng.choice(conv.world.products)["product_id"]
        text, family = conv.say("details", product_id=product_id)
    steps = [
        conv.call("get_product", product_id=product_id),
        answer_with(lambda obs: answers.product_answer(ok_data(obs, "get_product"))),
    ]
    yield Turn(text, steps, "details", family)


def compare(conv: Conversation) -> Episode:
    """Compare two search results, or two products by id."""
    shown = _shown_hits(conv)
    if len(shown) >= 2 and conv.rng.random() < 0.6:
        a, b = sorted(conv.rng.sample(range(len(shown)), 2))
        ids = [shown[a]["item_id"], shown[b]["item_id"]]
        text, family = conv.say("compare", a=ORDINALS[a], b=ORDINALS[b])
    else:
        first, second = conv.rng.sample(conv.world.products, 2)
        ids = [first["product_id"], second["product_id"]]
        text, family = conv.say("compare", id_a=ids[0], id_b=ids[1])
    steps = [
        conv.call("compare_products", ids=ids),
        answer_with(lambda obs: answers.compare_answer(ok_data(obs, "compare_products"))),
    ]
    yield Turn(text, steps, "compare", family)


def _cart_done(name: str) -> Any:
    """The reply after a cart change, which runs without a confirmation."""
    return answer_with(lambda obs: answers.change_done(name, obs.last.result, obs.last.error))


def cart_add(conv: Conversation) -> Episode:
    """Add a search result (or a known item) to the cart; it runs at once (undo offered)."""
    shown = [h for h in _shown_hits(conv) if h["available"]]
    quantity = conv.rng.choice((1, 1, 2, 3))
    qty_text = str(quantity) if conv.rng.random() < 0.7 else _QUANTITY_WORDS[quantity]
    if shown and conv.rng.random() < 0.7:
        hit = conv.rng.choice(shown)
        item_id = hit["item_id"]
        slots = {"ordinal": ORDINALS[conv.hits.index(hit)], "quantity": qty_text}
    else:
        product = conv.rng.choice(conv.world.products)
        variants = [v for v in product["variants"].values() if v["available"]]
        item_id = conv.rng.choice(variants)["item_id"]
        slots = {"item_id": item_id, "quantity": qty_text}
    text, family, used = conv.phrase("cart_add", **slots)
    if "quantity" not in used:
        quantity = 1
    steps = [
        conv.call("add_to_cart", item_id=item_id, quantity=quantity),
        _cart_done("add_to_cart"),
    ]
    yield Turn(text, steps, "cart_add", family)
    conv.cart.append(item_id)


def cart_view(conv: Conversation) -> Episode:
    """Show the cart."""
    text, family = conv.say("cart_view")
    steps = [
        conv.call("view_cart"),
        answer_with(lambda obs: answers.cart_answer(ok_data(obs, "view_cart"))),
    ]
    yield Turn(text, steps, "cart_view", family)


def cart_remove(conv: Conversation) -> Episode:
    """Remove an item the shopper added earlier (adding one first when the cart is empty)."""
    if not conv.cart:
        yield from cart_add(conv)
    item_id = conv.rng.choice(conv.cart)
    text, family = conv.say("cart_remove", item_id=item_id)
    steps = [conv.call("remove_from_cart", item_id=item_id), _cart_done("remove_from_cart")]
    yield Turn(text, steps, "cart_remove", family)
    conv.cart = [i for i in conv.cart if i != item_id]


def product_types(conv: Conversation) -> Episode:
    """What the store sells."""
    text, family = conv.say("types")
    steps = [
        conv.call("list_all_product_types"),
        answer_with(
            lambda obs: answers.product_types_answer(ok_data(obs, "list_all_product_types"))
        ),
    ]
    yield Turn(text, steps, "types", family)


NO_FAQ_ANSWER = (
    "I couldn't find that in the store's help pages. Would you like me to connect you with a "
    "human agent?"
)


def faq(conv: Conversation) -> Episode:
    """A store-policy question: ask the help pages with the shopper's words, quote the answer."""
    question, keywords = conv.rng.choice(FAQ_QUESTIONS[conv.split])
    question = conv.slot_noise(question, 0.3)
    if conv.rng.random() < 0.5:
        # After a lead-in ("Quick question: how long ...") shoppers start the question in
        # lower case; the call quotes it as typed, whatever the case.
        question = question[:1].lower() + question[1:]
    text, family = conv.say("faq", question=question)
    if question not in text:  # the message starts with the question, so it was capitalised
        question = question[:1].upper() + question[1:]

    def build(obs: Observation) -> str:
        found = answers.faq_answer(ok_data(obs, "answer_faq"), keywords)
        return found or NO_FAQ_ANSWER

    steps = [conv.call("answer_faq", question=question), answer_with(build)]
    yield Turn(text, steps, "faq", family)
