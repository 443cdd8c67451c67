"""The planting rules, one per error kind (see plant.py)."""

from __future__ import annotations

import random
import re

from assistant.copy.units import find_quantities, same_amount
from assistant.copy.vocabulary import family, is_negative
from evals.copy.cases import Case
from evals.copy.generate import running_text
from evals.copy.plant import (
    DIGIT,
    FEATURES,
    MONEY,
    NUMBER_INSERTS,
    SIZE_FAMILIES,
    Catalog,
    Mention,
    PlantRule,
    find_mentions,
    foreign_values,
    insert,
    insert_at,
    own_text,
    own_values,
    replace,
)
from retrieval.catalog import Product

_INSERTS = {
    "color": [
        ("Also available in ", "."),
        ("Now in ", " as well."),
        ("A ", " version is on offer too."),
    ],
    "material": [("Also made in ", "."), ("Crafted from ", "."), ("Now in ", " too.")],
    # A size named without the word "size" ("now in M") is no clear claim, so it is named.
    "size": [
        ("Also offered in size ", "."),
        ("Now available in size ", "."),
        ("Comes in a size ", " version too."),
    ],
}
_ADJ_FRAMES = [
    ("It is ", " too."),
    ("Fully ", "."),
    ("A ", " build you can count on."),
    ("", " for peace of mind."),
]
_NOUN_FRAMES = [("Now with ", "."), ("Comes with ", "."), ("Includes ", ".")]


def split_of(product: Product, catalog: Catalog) -> str:
    """Which feature pool the product draws from: its part of the split."""
    return "heldout" if product.product_id in catalog.heldout else "dev"


def _shape(value: str) -> tuple[bool, bool, int]:
    short = len(value) <= 3 and (value.isupper() or value.isdigit())
    return bool(DIGIT.search(value)), short, len(value.split())


def option_rule(kind: str, families: frozenset[str]) -> PlantRule:
    """Replace one of the product's values of `families` with a catalog value it lacks, or
    insert one when the copy names none."""

    def rule(case: Case, product: Product, catalog: Catalog, rng: random.Random) -> Case | None:
        own = {v: k for v, k in own_values(product).items() if family(k) in families}
        mentions = find_mentions(case.draft, own)
        # A bare number ("9") is a size only where the copy names the option before it.
        mentions = [
            m
            for m in mentions
            if not m.text.isdigit()
            or family(m.key) in case.draft.text_of(m.field)[: m.start].lower()
        ]
        rng.shuffle(mentions)
        for mention in mentions:
            # Same option name first ("size" for "size"), then its family; same shape only
            # (a letter size for a letter size, a quantity for a quantity).
            fam = family(mention.key)
            pool = [
                c
                for c in foreign_values(product, fam, catalog, mention.text)
                if _shape(c) == _shape(mention.text)
            ]
            exact = [c for c in pool if c in catalog.by_key.get(mention.key, ())]
            if exact or pool:
                return replace(case, mention, rng.choice(exact or pool), kind)
        fams = sorted(families & set(catalog.values))
        target = "size" if kind == "size" else (fams[0] if fams else None)
        if target is None:
            return None
        candidates = [c for c in foreign_values(product, target, catalog, "") if not c.isdigit()]
        if kind == "size":  # inserted as "size X": values of options named "size"
            candidates = [c for c in candidates if c in catalog.by_key.get("size", ())]
        if not candidates:
            return None
        before, after = rng.choice(_INSERTS[kind])
        return insert(case, before, rng.choice(candidates), after, kind, rng)

    return rule


def _same_amount_as_own(text: str, product: Product) -> bool:
    """Whether `text` states an amount the product has in other units ("1000ml" of "1L")."""
    amounts = [(q.dimension, v) for q in find_quantities(text) for v in q.values]
    own = [
        (q.dimension, v)
        for value in own_values(product)
        for q in find_quantities(value)
        for v in q.values
    ]
    return bool(amounts) and all(
        any(d == od and same_amount(v, ov) for od, ov in own) for d, v in amounts
    )


def _unit(text: str) -> str:
    return re.sub(r"[\d.,\s-]+", "", text).lower().rstrip("s")


def _perturb(text: str, own_numbers: set[float], rng: random.Random) -> str | None:
    factors = [2, 3, 0.5, 1.5, 1.25, 4]
    rng.shuffle(factors)
    for factor in factors:
        new_text, ok = text, True
        for number in reversed(list(DIGIT.finditer(text))):
            value = float(number.group()) * factor
            if any(abs(value - own) < 1e-6 for own in own_numbers):
                ok = False
                break
            shown = f"{value:g}" if value != int(value) else str(int(value))
            new_text = new_text[: number.start()] + shown + new_text[number.end() :]
        if ok and new_text != text:
            return new_text
    return None


def number_rule(case: Case, product: Product, catalog: Catalog, rng: random.Random) -> Case | None:
    """Change the number of a quantity the copy states ("750ml" → "1500ml"), or insert one
    of a kind the product's record has none of."""
    own = {
        v: k
        for v, k in own_values(product).items()
        if DIGIT.search(v) and re.search(r"[A-Za-z%]", v)
    }
    mentions = [
        m for m in find_mentions(case.draft, own) if re.search(r"\d\s*-?\s*[A-Za-z%]", m.text)
    ]
    if mentions:
        mention = rng.choice(mentions)
        unit = _unit(mention.text)
        own_numbers = {float(n.group()) for v in own if _unit(v) == unit for n in DIGIT.finditer(v)}
        new = _perturb(mention.text, own_numbers, rng)
        if new is not None and not _same_amount_as_own(new, product):
            return replace(case, mention, new, "number")
    text = own_text(product)
    usable = [i for i in NUMBER_INSERTS if not re.search(rf"\d\s*{i[3]}\b", text)]
    if not usable:
        return None
    before, quantity, after, _stated, amounts = rng.choice(usable)
    phrase = quantity.format(x=f"{rng.choice(amounts):g}")
    return insert(case, before, phrase, after, "number", rng)


def _money(value: float, cents: bool) -> str:
    return f"${value:,.2f}" if cents else f"${round(value):,}"


def price_rule(case: Case, product: Product, catalog: Catalog, rng: random.Random) -> Case | None:
    """Replace a price with one outside the product's range, or insert a false price."""
    prices = [v.price for v in product.variants]
    low, high = min(prices), max(prices)
    found = [(field, match) for field, text in case.draft.texts() for match in MONEY.finditer(text)]
    lower = low * rng.uniform(0.5, 0.85)
    higher = high * rng.uniform(1.2, 1.6)
    if found:
        field, match = rng.choice(found)
        head = case.draft.text_of(field)[max(0, match.start() - 20) : match.start()].lower()
        if re.search(r"under|below|less than|up to|at most", head):
            value = lower
        elif re.search(r"over|above|more than|at least", head):
            value = higher
        else:
            value = rng.choice([lower, higher])
        mention = Mention(field, match.start(), match.end(), match.group())
        return replace(case, mention, _money(value, "." in match.group()), "price")
    before, after = rng.choice([("Now only ", "."), ("Yours for ", "."), ("Just ", " this week.")])
    return insert(case, before, _money(rng.choice([lower, higher]), True), after, "price", rng)


def _supported(phrase: str, product: Product) -> bool:
    """Whether the product's record has the feature or a word of it (then planting it would
    not be clearly false: "Bluetooth connectivity" for a Bluetooth speaker)."""
    words = [
        w for w in re.findall(r"[a-z0-9]+", phrase.lower()) if w not in {"a", "an", "the", "built"}
    ]
    squashed = re.sub(r"[^a-z0-9]", "", own_text(product))
    own_words = set(re.findall(r"[a-z0-9]+", own_text(product)))
    return "".join(words) in squashed or any(len(w) > 2 and w in own_words for w in words)


def feature_rule(case: Case, product: Product, catalog: Catalog, rng: random.Random) -> Case | None:
    """Insert a feature the product's record does not have."""
    pool_of = FEATURES[split_of(product, catalog)]
    features = sorted(f for f in catalog.features if not is_negative(f))
    nouns = [*pool_of["noun"], *features]
    adjectives = [*pool_of["adj"], *(t for t in catalog.tags if t in {"eco", "limited"})]
    nouns += [f"{t} status" for t in catalog.tags if t == "bestseller"]
    pool = [(p, "adj") for p in adjectives] + [(p, "noun") for p in nouns]
    pool = [(p, form) for p, form in pool if not _supported(p, product)]
    phrase, form = rng.choice(pool)
    if form == "adj":
        types = find_mentions(case.draft, {running_text(product.product_type): "type"})
        if types and rng.random() < 0.4:
            mention = rng.choice(types)
            return insert_at(case, mention.field, mention.start, phrase, "feature")
        before, after = rng.choice(_ADJ_FRAMES)
        shown = phrase[:1].upper() + phrase[1:] if not before else phrase
        return insert(case, before, shown, after, "feature", rng)
    before, after = rng.choice(_NOUN_FRAMES)
    return insert(case, before, phrase, after, "feature", rng)


def type_rule(case: Case, product: Product, catalog: Catalog, rng: random.Random) -> Case | None:
    """Call the product another catalog type."""
    others = [t for t in catalog.types if t != product.product_type]
    other = rng.choice(others)
    forms = {product.product_type: "as written", running_text(product.product_type): "running"}
    mentions = find_mentions(case.draft, forms)
    if mentions:
        mention = rng.choice(mentions)
        written = mention.text == product.product_type
        return replace(case, mention, other if written else running_text(other), "type")
    return insert(case, "This ", running_text(other), " is made to last.", "type", rng)


def brand_rule(case: Case, product: Product, catalog: Catalog, rng: random.Random) -> Case | None:
    """Give the product another catalog brand (only for products that have one)."""
    if not product.brand:
        return None
    own = set(product.brand.lower().split())
    # Not a loose form of the product's own brand ("Pulse" of "Pulse Audio").
    others = [b for b in catalog.brands if b != product.brand and not set(b.lower().split()) <= own]
    other = rng.choice(others)
    mentions = find_mentions(case.draft, {product.brand: "brand"})
    if mentions:
        return replace(case, rng.choice(mentions), other, "brand")
    return insert(case, "Made by ", other, ".", "brand", rng)


def availability_rule(
    case: Case, product: Product, catalog: Catalog, rng: random.Random
) -> Case | None:
    """Insert a stock claim the variants contradict."""
    variants = product.variants
    claims: list[tuple[str, str, str]] = []
    if any(not v.available for v in variants):
        claims.append(("Every version is ", "in stock", "."))
        claims.append(("All options are ", "in stock", " today."))
    if any(v.available for v in variants):
        claims.append(("This one is ", "sold out", " at the moment."))
    by_value: dict[str, list[bool]] = {}
    for variant in variants:
        for value in variant.options.values():
            by_value.setdefault(value, []).append(variant.available)
    gone = [v for v, stock in by_value.items() if not any(stock) and not v.isdigit()]
    there = [v for v, stock in by_value.items() if all(stock) and not v.isdigit()]
    claims += [(f"The {v} version is ", "in stock", ".") for v in gone]
    claims += [(f"The {v} version is ", "sold out", ".") for v in there]
    before, phrase, after = rng.choice(claims)
    return insert(case, before, phrase, after, "availability", rng)


RULES: dict[str, PlantRule] = {
    "color": option_rule("color", frozenset({"color"})),
    "material": option_rule("material", frozenset({"material"})),
    "size": option_rule("size", SIZE_FAMILIES),
    "number": number_rule,
    "price": price_rule,
    "feature": feature_rule,
    "type": type_rule,
    "brand": brand_rule,
    "availability": availability_rule,
}


def plant_all(
    case: Case, product: Product, catalog: Catalog, rng: random.Random, kinds: list[str]
) -> list[Case]:
    """One copy per kind with that kind of error planted (kinds that do not apply skipped)."""
    out = []
    for kind in kinds:
        planted = RULES[kind](case, product, catalog, rng)
        if planted is not None:
            out.append(planted)
    return out
