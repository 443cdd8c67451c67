"""Clean copies generated from the hand-written styles in styles.yaml, each true of its product.

A copy combines randomly chosen styles per field (title, opener, option and price and stock
sentences, bullets, meta description), filled from one product's options, prices and stock,
so the set varies in wording while every statement stays faithful.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.copy import CopyDraft
from assistant.copy.vocabulary import is_negative
from evals.copy.cases import STYLES, Case
from retrieval.catalog import Product

_OPTION_SLOTS = re.compile(r"\{(?:key|keys|Keys|n|values_and|values_or)\}")
_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def _word(n: int) -> str:
    return _WORDS[n] if n < len(_WORDS) else str(n)


def plural(key: str) -> str:
    """An option name in the plural ("color" → "colors"); names that do not take one get
    "options" ("RAM options")."""
    if "/" in key or key.isupper() or key.lower() in {"ram"}:
        return f"{key} options"
    if key.endswith("life"):
        return key[:-4] + "lives"
    if key.endswith(("s", "x", "ch", "sh")):
        return key + "es"
    if key.endswith("y") and key[-2:-1] not in "aeiou":
        return key[:-1] + "ies"
    return key + "s"


def running_text(name: str) -> str:
    """A type as written inside a sentence: lower case except acronyms ("LED light bulb")."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in name.split())


def _join(values: list[str], word: str) -> str:
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + f" {word} " + values[-1]


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class _Facts:
    options: dict[str, list[str]]
    product: Product

    @classmethod
    def of(cls, product: Product) -> _Facts:
        options: dict[str, list[str]] = defaultdict(list)
        for variant in product.variants:
            for key, value in variant.options.items():
                if value not in options[key]:
                    options[key].append(value)
        # Yes/no options read as nonsense in a list ("choose from no or yes"): left out.
        usable = {k: v for k, v in options.items() if not any(is_negative(x) for x in v)}
        return cls(usable, product)

    def value_stock(self) -> tuple[list[str], list[str]]:
        """Values with some variant in stock, and values with none in stock (a bare number
        with its option name: "size 8")."""
        some: list[str] = []
        none: list[str] = []
        for key, values in self.options.items():
            for value in values:
                variants = [v for v in self.product.variants if v.options.get(key) == value]
                shown = f"{key} {value}" if value.isdigit() else value
                (some if any(v.available for v in variants) else none).append(shown)
        return some, none


def load_styles(path: Path = STYLES) -> dict[str, Any]:
    """The sentence styles."""
    styles: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return styles


class CopyGenerator:
    """Fills styles with a product's facts."""

    def __init__(self, styles: dict[str, Any], rng: random.Random) -> None:
        self.styles = styles
        self.rng = rng

    def _slots(self, facts: _Facts, key: str | None) -> dict[str, str]:
        product = facts.product
        prices = [v.price for v in product.variants]
        slots = {
            "Type": product.product_type,
            "type": running_text(product.product_type),
            "Brand": product.brand or "",
            "min": _money(min(prices)),
            "max": _money(max(prices)),
            "n_all": _word(len(product.variants)),
            "n_in": _capital(_word(sum(v.available for v in product.variants))),
        }
        if key is not None:
            values = facts.options[key]
            if all(v.isdigit() for v in values):
                values = [f"{key} {v}" for v in values]  # "size 9", not a bare "9"
            slots.update(
                key=key,
                keys=plural(key),
                Keys=_capital(plural(key)),
                values_and=_join(values, "and"),
                values_or=_join(values, "or"),
                n=_word(len(values)),
            )
        variant = self.rng.choice(product.variants)
        value_key = self.rng.choice(sorted(facts.options)) if facts.options else None
        value = variant.options[value_key] if value_key else product.product_type
        slots["value"] = f"{value_key} {value}" if value.isdigit() else value
        slots["price"] = _money(variant.price)
        return slots

    def _fill(
        self, style: str, facts: _Facts, key: str | None, extra: dict[str, str] | None = None
    ) -> str:
        slots = {**self._slots(facts, key), **(extra or {})}
        if "{price_clause" in style:
            clause = self.rng.choice(self.styles["price_clause"]).format(**slots)
            slots["price_clause"] = clause
            slots["price_clause_lower"] = clause[:1].lower() + clause[1:]
        return _capital(style.format(**slots))

    def _stock(self, facts: _Facts) -> str | None:
        variants = facts.product.variants
        available = sum(v.available for v in variants)
        some, none = facts.value_stock()
        truth = {
            "all_available": available == len(variants),
            "most_available": 2 * available > len(variants),
            "some_unavailable": 0 < available < len(variants),
            "some_available": available > 0,
            "any": True,
            "value_available": bool(some),
            "value_unavailable": bool(none),
        }
        options = [s for s in self.styles["stock_sentence"] if truth[s["when"]]]
        if not options:
            return None
        style = self.rng.choice(options)
        extra = {}
        if style["when"] in ("value_available", "value_unavailable"):
            extra["value"] = self.rng.choice(some if style["when"] == "value_available" else none)
        return self._fill(style["text"], facts, None, extra)

    def copy(self, product: Product, copy_id: str) -> Case:
        """One generated clean copy of `product`."""
        rng, styles = self.rng, self.styles
        facts = _Facts.of(product)
        keys = sorted(facts.options)
        rng.shuffle(keys)
        first = keys[0] if keys else None

        def pick(name: str, key: str | None) -> str:
            pool = [s for s in styles[name] if key is not None or not _OPTION_SLOTS.search(s)]
            return self._fill(rng.choice(pool), facts, key)

        use_brand = bool(product.brand) and rng.random() < 0.5
        title = pick("title_brand" if use_brand else "title", first)
        parts = [pick("opener_brand" if use_brand else "opener", None)]
        parts += [pick("option_sentence", k) for k in keys[: rng.randint(1, 2)]]
        if rng.random() < 0.6:
            parts.append(pick("price_sentence", first))
        if rng.random() < 0.35 and (stock := self._stock(facts)):
            parts.append(stock)
        bullets = [pick("bullet_option", k) for k in keys[: rng.randint(2, 4)]]
        if rng.random() < 0.7:
            bullets.append(pick("bullet_price", first))
        if rng.random() < 0.5:
            bullets.append(pick("bullet_plain", None))
        if rng.random() < 0.2 and (stock := self._stock(facts)):
            bullets.append(stock.rstrip("."))
        rng.shuffle(bullets)
        meta_key = keys[-1] if keys else None
        draft = CopyDraft(
            title=title,
            short_description=" ".join(parts),
            bullets=bullets,
            meta_description=pick("meta", meta_key),
        )
        return Case(copy_id, product.product_id, "generated", draft)


def generated_cases(products: list[Product], per_product: int, seed: int) -> list[Case]:
    """`per_product` generated clean copies of every product, seeded."""
    generator = CopyGenerator(load_styles(), random.Random(seed))
    return [
        generator.copy(product, f"gen-{product.product_id}-{n}")
        for product in products
        for n in range(per_product)
    ]
