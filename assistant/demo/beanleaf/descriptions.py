"""Product copy built from a catalog record's own attributes, worded differently per product.

Only what the record holds is stated: its name, brand, `key:value` fact tags and options.
An option every variant shares is named ("a light roast"); an option whose value differs
between variants is only counted ("in four grinds"), because every variant of a product is
indexed with the same copy and naming a sibling's value would make a search for "dark
roast" match the medium-roast bag.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from retrieval.catalog import Product

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

#: How a count of an option's values is written ("in four grinds").
OPTION_NOUNS = {
    "roast": "roasts",
    "grind": "grinds",
    "bag size": "bag sizes",
    "size": "sizes",
    "color": "colors",
    "capacity": "capacities",
    "finish": "finishes",
    "material": "materials",
    "packaging": "kinds of packaging",
    "handle": "handle styles",
    "set": "set sizes",
    "paper": "paper types",
    "brewer": "brewers",
}

_KIND_LEADS = {
    "grinder": (
        "The {name} from {brand} grinds beans fresh for each brew.",
        "{brand} made the {lname} for grinding beans at home.",
        "A burr grinder from {brand}: the {name}.",
    ),
    "kettle": (
        "The {name} from {brand} heats and pours water for coffee and tea.",
        "{brand}'s {lname} is a kettle for careful pouring.",
        "A kettle from {brand}, the {name} pours a steady, thin stream.",
    ),
    "pour-over": (
        "The {name} from {brand} is for brewing coffee by hand, one pour at a time.",
        "{brand}'s {lname} makes hand-poured coffee at home.",
        "For brewing by hand: the {name} from {brand}.",
    ),
    "filters": (
        "{brand}'s {lname} are for brewing coffee by hand.",
        "Paper filters from {brand}, for cone brewers.",
    ),
    "french press": (
        "The {name} from {brand} brews by immersion: steep, press, pour.",
        "{brand}'s {lname} is an immersion brewer for the kitchen table.",
        "Steep, press and pour with the {name} from {brand}.",
    ),
    "espresso": (
        "The {name} from {brand} belongs next to the espresso machine.",
        "{brand}'s {lname} is a tool for the home espresso bar.",
        "An espresso accessory from {brand}: the {name}.",
    ),
    "scale": (
        "The {name} from {brand} weighs beans and water as you brew.",
        "{brand}'s {lname} weighs each dose and each pour.",
    ),
    "drinkware": (
        "The {name} from {brand}, for everyday coffee and tea.",
        "{brand}'s {lname} is made for daily use.",
        "Drink from the {name} by {brand}.",
    ),
    "teaware": (
        "The {name} from {brand} is for brewing loose-leaf tea.",
        "{brand}'s {lname} steeps loose-leaf tea for the table.",
        "Brew loose leaves in the {name} from {brand}.",
    ),
    "gift": (
        "The {name} is a ready-to-give box from {brand}.",
        "A gift from {brand}: the {name}.",
        "{brand} put together the {name} for giving.",
    ),
}
_FEATURES = ("Features: {items}.", "Highlights: {items}.", "Details: {items}.")
_MATERIAL = ("Made of {value}.", "Built from {value}.", "{Value} construction.")
_INCLUDES = ("Includes {items}.", "In the box: {items}.")
_CHOICES = ("Available in {items}.", "Choose from {items}.", "Offered in {items}.")


def count_phrase(option: str, count: int) -> str:
    """`("grind", 4)` → `"four grinds"`."""
    number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"{number} {OPTION_NOUNS.get(option, option + 's')}"


def listed(items: Sequence[str]) -> str:
    """`["a", "b", "c"]` → `"a, b and c"`."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def facts(product: Product) -> dict[str, list[str]]:
    """The `key:value` tags of a product, grouped by key in tag order."""
    found: dict[str, list[str]] = {}
    for tag in product.tags:
        key, sep, value = tag.partition(":")
        if sep:
            found.setdefault(key, []).append(value)
    return found


def option_values(product: Product) -> dict[str, list[str]]:
    """Every option of a product with its distinct values, in variant order."""
    found: dict[str, list[str]] = {}
    for variant in product.variants:
        for key, value in variant.options.items():
            values = found.setdefault(key, [])
            if value not in values:
                values.append(value)
    return found


def _first(fact: dict[str, list[str]], key: str) -> str | None:
    values = fact.get(key)
    return values[0] if values else None


def _a(word: str) -> str:
    """The article before `word` (US usage: "an herbal tea")."""
    return "an" if word[:1].lower() in "aeiou" or word.lower().startswith("herb") else "a"


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _coffee(product: Product, rng: random.Random) -> list[str]:
    fact, opts = facts(product), option_values(product)
    origin = opts["origin"][0]
    region, process = _first(fact, "region"), _first(fact, "process")
    notes = listed(fact.get("notes", []))
    sentences: list[str] = []
    if fact.get("component"):
        components = listed(fact["component"])
        sentences.append(
            rng.choice(
                (
                    f"{product.name} is a blend of coffees from {components}.",
                    f"A blend of {components} coffees.",
                    f"{product.name} brings together coffees from {components}.",
                )
            )
        )
    elif process == "Swiss Water":
        where = f"{region}, {origin}" if region else origin
        sentences.append(
            rng.choice(
                (
                    f"{product.name} is a coffee from {where}, decaffeinated by the "
                    "Swiss Water process.",
                    f"A coffee from {where}, decaffeinated by the Swiss Water process.",
                )
            )
        )
    else:
        style = {"honey": "honey-processed", "natural": "natural-process"}.get(
            process or "", process or ""
        )
        where = f"{region}, {origin}" if region else origin
        sentences.append(
            rng.choice(
                (
                    f"{product.name} is {_a(style)} {style} coffee from {where}.",
                    f"This {style} lot comes from {where}.",
                    f"From {where}: {_a(style)} {style} coffee.",
                )
            )
        )
    roasts = opts["roast"]
    if len(roasts) == 1:
        roast = roasts[0]
        sentences.append(
            rng.choice(
                (
                    f"Roasted {roast}, it tastes of {notes}.",
                    f"A {roast} roast with notes of {notes}.",
                    f"Expect {notes} from this {roast} roast.",
                    f"In the cup: {notes}, at a {roast} roast.",
                )
            )
        )
    else:
        offered = count_phrase("roast", len(roasts))
        sentences.append(
            rng.choice(
                (
                    f"Offered in {offered}, it tastes of {notes}.",
                    f"Notes of {notes}, in {offered}.",
                )
            )
        )
    if fact.get("certified"):
        certified = listed(fact["certified"])
        sentences.append(rng.choice((f"Certified {certified}.", f"It is certified {certified}.")))
    sentences.append(_choices(product, opts, ("roast", "origin"), rng))
    return sentences


def _tea(product: Product, rng: random.Random) -> list[str]:
    fact, opts = facts(product), option_values(product)
    tea_type = opts["tea type"][0]
    origin = fact["origin"][0]
    region = _first(fact, "region")
    where = f"{region}, {origin}" if region else origin
    if fact.get("ingredients"):
        made = fact["ingredients"][0]
        lead = rng.choice(
            (
                f"{product.name} is {_a(tea_type)} {tea_type} tea of {made}, from {where}.",
                f"{_sentence(_a(tea_type))} {tea_type} tea made with {made} from {where}.",
            )
        )
    else:
        lead = rng.choice(
            (
                f"{product.name} is {_a(tea_type)} {tea_type} tea from {where}.",
                f"{_sentence(_a(tea_type))} {tea_type} tea grown in {where}.",
                f"From {where} comes this {tea_type} tea.",
            )
        )
    notes = listed(fact.get("notes", []))
    sentences = [
        lead,
        rng.choice(
            (
                f"It brews a cup with notes of {notes}.",
                f"Expect {notes}.",
                f"Tasting notes: {notes}.",
            )
        ),
    ]
    if fact.get("caffeine"):
        sentences.append(f"It is {fact['caffeine'][0]}.")
    if fact.get("certified"):
        sentences.append(f"Certified {listed(fact['certified'])}.")
    steep = fact["steep"][0]
    sentences.append(rng.choice((f"Steep at {steep}.", f"Brew it at {steep}.")))
    sentences.append(_choices(product, opts, ("tea type",), rng))
    return sentences


def _gear(product: Product, kind: str, rng: random.Random) -> list[str]:
    fact, opts = facts(product), option_values(product)
    lead = rng.choice(_KIND_LEADS[kind]).format(
        name=product.name, lname=product.name.lower(), brand=product.brand
    )
    body: list[str] = []
    if fact.get("material"):
        value = listed(fact["material"])
        body.append(rng.choice(_MATERIAL).format(value=value, Value=_sentence(value)))
    if fact.get("feature"):
        body.append(rng.choice(_FEATURES).format(items=listed(fact["feature"])))
    if fact.get("includes"):
        body.append(rng.choice(_INCLUDES).format(items=listed(fact["includes"])))
    rng.shuffle(body)
    return [lead, *body, _choices(product, opts, (), rng)]


def _choices(
    product: Product, opts: dict[str, list[str]], skip: tuple[str, ...], rng: random.Random
) -> str:
    """The options sentence: shared values named, varying ones counted."""
    fixed = [(k, v[0]) for k, v in opts.items() if len(v) == 1 and k not in skip]
    varying = [count_phrase(k, len(v)) for k, v in opts.items() if len(v) > 1 and k not in skip]
    parts = []
    if varying:
        parts.append(rng.choice(_CHOICES).format(items=listed(varying)))
    if fixed:
        parts.append(" ".join(f"{_sentence(k)}: {v}." for k, v in fixed))
    return " ".join(parts)


def describe(product: Product, kind: str, rng: random.Random) -> str:
    """Copy for `product` (a record whose description may still be empty).

    Args:
        product: The catalog record; its name, brand, fact tags and options are used.
        kind: The product line (`ProductSpec.kind`), which picks the wording.
        rng: The generator's random source, so the same seed writes the same copy.
    """
    if kind == "coffee":
        sentences = _coffee(product, rng)
    elif kind == "tea":
        sentences = _tea(product, rng)
    else:
        sentences = _gear(product, kind, rng)
    return " ".join(s for s in sentences if s)
