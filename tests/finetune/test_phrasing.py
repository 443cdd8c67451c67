"""Shopper phrasing: families split train/dev, slots filled exactly, typos only in words."""

from __future__ import annotations

import random

import pytest

from assistant.finetune.phrasebook import FAMILIES, phrasebook
from assistant.finetune.phrasing import Family, Phrasebook, Style, fill, plural, slots_of


def test_every_intent_has_train_and_dev_families_with_distinct_templates() -> None:
    book = phrasebook()
    for intent, families in book.by_intent.items():
        train = {t for f in families if not f.dev for t in f.templates}
        dev = {t for f in families if f.dev for t in f.templates}
        assert train and dev, intent
        assert train.isdisjoint(dev), intent


def test_a_phrasebook_without_a_dev_family_or_with_a_weightless_family_is_rejected() -> None:
    with pytest.raises(ValueError, match="train and dev"):
        Phrasebook([Family("search.only", ("find {phrase}",))])
    with pytest.raises(ValueError, match="needs a weight of 1 or more"):
        Phrasebook([Family("search.none", ("find {phrase}",), weight=0)])


def test_slots_are_filled_exactly_even_for_a_sloppy_typist() -> None:
    rng = random.Random(1)
    sloppy = Style(typo_rate=1.0, lowercase=True, drop_final_punctuation=True)
    for _ in range(50):
        text = fill(
            "Please cancel my order {order_id}, my email is {email}.",
            {"order_id": "#W1234567", "email": "Mia.Thomas7243@example.com"},
            rng,
            sloppy,
        )
        assert "#W1234567" in text and "Mia.Thomas7243@example.com" in text
    with pytest.raises(KeyError, match="order_id"):
        fill("Where is {order_id}?", {}, rng)


def test_pick_only_uses_templates_whose_slots_have_values() -> None:
    book = phrasebook()
    rng = random.Random(0)
    for _ in range(30):
        family, template = book.pick(rng, "cart_add", "train", {"greet", "item_id"})
        assert slots_of(template) <= {"greet", "item_id"}
        assert not family.dev
    with pytest.raises(KeyError):
        book.pick(rng, "status", "train", {"greet"})


def test_family_names_are_unique_and_plurals_read_right() -> None:
    names = [f.name for f in FAMILIES]
    assert len(names) == len(set(names))
    assert plural("T-Shirt") == "T-Shirts"
    assert plural("Hiking Boots") == "Hiking Boots"
    assert plural("Smart Watch") == "Smart Watches"
    assert plural("Patio Umbrella") == "Patio Umbrellas"


def test_a_weighted_family_is_drawn_that_many_times_as_often() -> None:
    book = Phrasebook([
        Family("cancel.once", ("cancel {order_id}",)),
        Family("cancel.thrice", ("scrap {order_id}",), weight=3),
        Family("cancel.dev", ("call off {order_id}",), dev=True),
    ])  # fmt: skip
    rng = random.Random(0)
    drawn = [book.pick(rng, "cancel", "train")[0].name for _ in range(4000)]
    assert 2.6 < drawn.count("cancel.thrice") / drawn.count("cancel.once") < 3.4


def test_contrast_families_differ_only_in_the_clause_that_names_the_intent() -> None:
    """Return and exchange share their complaints, so only the clause tells them apart."""
    book = phrasebook()
    returns, exchanges = (
        next(f for f in book.families(intent, "train") if f.name.endswith(".contrast"))
        for intent in ("return", "exchange")
    )
    frames = {t.split(", ")[0].replace("{items}", "{item}") for t in returns.templates}
    assert frames == {t.split(", ")[0] for t in exchanges.templates}
    assert len(frames) >= 4
