"""Shopping queries generated from a catalog, with graded labels: the re-ranker's training data.

A query names a product type (by its name, a plural, a generic shopping word or a misspelling)
and, often, one or two option values of one of its variants, in the phrasing of a template.
Relevance follows from what the query states, never from any system's output:

    1.0  the item is of the named type and has every stated option value
    0.3  the item is of the named type but misses a stated value (a hard negative)
    0.0  any other item

The same generator with other templates and another seed gives a held-out query set for
evaluation, so the measured queries are not the training ones.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from retrieval.catalog import Product, Variant
from retrieval.documents import variant_text
from retrieval.query import TYPE_ALIASES
from retrieval.text import normalize

EXACT, TYPE_ONLY, OTHER = 1.0, 0.3, 0.0

TRAINING_TEMPLATES: tuple[str, ...] = (
    "{pre}{type}",
    "{pre}{types}",
    "{type} {values}",
    "{type} with {kv}",
    "{types} in {values}",
    "i need a {pre}{type}",
    "show me {pre}{types}",
    "looking for a {type} with {kv}",
    "{values} {type} for me",
    "best {pre}{types}",
)
"""Phrasings of the training queries; `{pre}` holds the stated values before the type name."""


@dataclass(frozen=True)
class GeneratedQuery:
    """One generated query and what it asks for."""

    query: str
    product_type: str
    options: dict[str, str] = field(default_factory=dict)
    template: str = ""


@dataclass(frozen=True)
class Pair:
    """A (query, document text) training pair with its relevance label in [0, 1]."""

    query: str
    text: str
    label: float


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _typo(word: str, rng: random.Random) -> str:
    """One deleted or swapped letter inside a long word (shoppers' most common slips)."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 5:
        return word
    i = rng.choice(letters[1:-1])
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _type_names(product_type: str, rng: random.Random) -> tuple[str, str]:
    """A way to name the type (singular, plural): its name, a generic alias, or a misspelling."""
    name = product_type.lower()
    # Only aliases naming this type alone: "shoe" could mean sneakers or running shoes.
    aliases = [a for a, targets in TYPE_ALIASES.items() if targets == [product_type]]
    roll = rng.random()
    if aliases and roll < 0.25:
        name = rng.choice(aliases)
    elif roll > 0.9:
        words = name.split()
        j = rng.randrange(len(words))
        words[j] = _typo(words[j], rng)
        name = " ".join(words)
    head, _, last = name.rpartition(" ")
    plural = f"{head} {_plural(last)}".strip()
    return name, plural


def render_value(key: str, value: str) -> str:
    """How a shopper states an option value: yes/no options by their name, bare codes with it."""
    low = value.lower()
    if low == "yes":
        return key
    if low == "no":
        return f"no {key}"
    if len(value) <= 2 or value.replace(".", "").isdigit():
        return f"{key} {value}"
    return value


def _fill(template: str, type_name: str, plural: str, options: dict[str, str]) -> str:
    rendered = [render_value(k, v) for k, v in options.items()]
    values = " ".join(rendered)
    kv = " and ".join(f"{k} {v}" if v.lower() not in ("yes", "no") else render_value(k, v)
                      for k, v in options.items())  # fmt: skip
    text = template.format(
        pre=f"{values} " if values else "",
        type=type_name,
        types=plural,
        values=values,
        kv=kv,
    )
    return re.sub(r"\s+", " ", text).strip()


def _option_choices(
    variant: Variant, product: Product, count: int, rng: random.Random
) -> dict[str, str]:
    """Up to `count` option values of `variant` that not every sibling shares (they select)."""
    selective = [
        k
        for k, v in variant.options.items()
        if any(o.options.get(k) != v for o in product.variants)
    ]
    rng.shuffle(selective)
    return {k: variant.options[k] for k in sorted(selective[:count])}


def generate_queries(
    products: Sequence[Product],
    *,
    seed: int,
    per_type: int = 20,
    templates: Sequence[str] = TRAINING_TEMPLATES,
) -> list[GeneratedQuery]:
    """Queries for every product type of `products`, `per_type` each, reproducible by `seed`.

    A quarter of them name only the type; the rest state one or two option values of a real
    variant, so at least one item meets every query.
    """
    if per_type < 1:
        raise ValueError(f"per_type must be at least 1, got {per_type}")
    rng = random.Random(seed)
    by_type: dict[str, list[Product]] = defaultdict(list)
    for product in products:
        by_type[product.product_type].append(product)
    queries: list[GeneratedQuery] = []
    seen: set[str] = set()
    for product_type in sorted(by_type):
        group = by_type[product_type]
        made, attempts = 0, 0
        while made < per_type and attempts < per_type * 10:
            attempts += 1
            product = rng.choice(group)
            variant = rng.choice(product.variants)
            wanted = 0 if rng.random() < 0.25 else rng.choice((1, 1, 2))
            options = _option_choices(variant, product, wanted, rng) if wanted else {}
            template = rng.choice(
                [t for t in templates if options or ("{values}" not in t and "{kv}" not in t)]
            )
            name, plural = _type_names(product_type, rng)
            text = _fill(template, name, plural, options)
            if text in seen:
                continue
            seen.add(text)
            queries.append(GeneratedQuery(text, product_type, options, template))
            made += 1
    return queries


def label(query: GeneratedQuery, product: Product, variant: Variant) -> float:
    """The relevance of `variant` (of `product`) to `query` (see the module docstring)."""
    if product.product_type != query.product_type:
        return OTHER
    for key, value in query.options.items():
        if normalize(variant.options.get(key, "")) != normalize(value):
            return TYPE_ONLY
    return EXACT


def training_pairs(
    products: Sequence[Product],
    queries: Iterable[GeneratedQuery],
    *,
    seed: int,
    hard_negatives: int = 3,
    other_negatives: int = 2,
) -> list[Pair]:
    """Per query: one matching item, hard negatives of the same type, and items of other types.

    Other-type negatives prefer types sharing an option name with the query's type ("size" of
    shoes and of shirts), the ones a model confuses.
    """
    rng = random.Random(seed)
    by_type: dict[str, list[tuple[Product, Variant]]] = defaultdict(list)
    keys_of: dict[str, set[str]] = defaultdict(set)
    for product in products:
        for variant in product.variants:
            by_type[product.product_type].append((product, variant))
            keys_of[product.product_type].update(variant.options)
    types = sorted(by_type)
    pairs: list[Pair] = []
    for query in queries:
        items = by_type[query.product_type]
        graded = [(p, v, label(query, p, v)) for p, v in items]
        positives = [(p, v) for p, v, g in graded if g == EXACT]
        if not positives:
            continue
        hard = [(p, v) for p, v, g in graded if g == TYPE_ONLY]
        p, v = rng.choice(positives)
        pairs.append(Pair(query.query, variant_text(p, v), EXACT))
        for p, v in rng.sample(hard, min(hard_negatives, len(hard))):
            pairs.append(Pair(query.query, variant_text(p, v), TYPE_ONLY))
        near = [
            t for t in types if t != query.product_type and keys_of[t] & keys_of[query.product_type]
        ]
        far = [t for t in types if t != query.product_type]
        for i in range(other_negatives):
            pool = near if near and i % 2 == 0 else far
            if not pool:
                break
            p, v = rng.choice(by_type[rng.choice(pool)])
            pairs.append(Pair(query.query, variant_text(p, v), OTHER))
    rng.shuffle(pairs)
    return pairs
