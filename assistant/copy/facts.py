"""What one product's record supports: its values, numbers, words, prices and stock."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from assistant.copy.lexicon import IMPLIED_BY, SIZE_SYNONYMS, SPELLING
from assistant.copy.scan import phrase_key, tokenize
from assistant.copy.units import Quantity, find_quantities, same_amount, unit_of
from assistant.copy.vocabulary import family, is_negative
from retrieval.catalog import Product, Variant
from retrieval.text import normalize

_SQUASH = re.compile(r"[^a-z0-9]+")
_STEMS = ((re.compile(r"resistan(?:t|ce)"), "resist"), (re.compile(r"proofing"), "proof"))


def squash(text: str) -> str:
    """A phrase without spaces, hyphens or case, with a few suffixes stemmed, so claims
    compare across spellings ('Water-Resistant' = 'water resistance' = 'waterresist')."""
    out = _SQUASH.sub("", text.lower())
    for pattern, stem in _STEMS:
        out = pattern.sub(stem, out)
    return out


def variants_of(norm_value: str) -> set[str]:
    """A normalized value with its spelling and size-letter equivalents."""
    out = {norm_value}
    spelled = " ".join(SPELLING.get(w, w) for w in norm_value.split())
    out.add(spelled)
    out.update(k for k, v in SPELLING.items() if v == norm_value)
    if norm_value in SIZE_SYNONYMS:
        out.update(SIZE_SYNONYMS[norm_value])
    for letter, words in SIZE_SYNONYMS.items():
        if norm_value in words:
            out.add(letter)
            out.update(words)
    return out


@dataclass
class ProductFacts:
    """One product's record, read for checking copy against it."""

    product: Product
    values: dict[str, set[str]] = field(default_factory=dict)  # key → normalized values
    display_values: dict[str, list[str]] = field(default_factory=dict)  # key → as written
    phrases: set[tuple[str, ...]] = field(default_factory=set)  # token keys it supports
    squashed: set[str] = field(default_factory=set)  # squashed n-grams of its own words
    quantities: list[Quantity] = field(default_factory=list)
    families: dict[str, set[str]] = field(default_factory=dict)  # family → its keys

    @classmethod
    def of(cls, product: Product) -> ProductFacts:
        """Read `product`."""
        facts = cls(product)
        values: dict[str, set[str]] = defaultdict(set)
        display: dict[str, list[str]] = defaultdict(list)
        for variant in product.variants:
            for key, value in variant.options.items():
                nkey = normalize(key)
                if normalize(value) not in values[nkey]:
                    display[nkey].append(value)
                values[nkey].add(normalize(value))
        facts.values, facts.display_values = dict(values), dict(display)
        families: dict[str, set[str]] = defaultdict(set)
        for key in values:
            families[family(key)].add(key)
        facts.families = dict(families)

        texts = [v for shown in display.values() for v in shown]
        texts += [product.name, product.product_type, product.brand or "", product.description]
        texts += product.tags
        for key, vals in values.items():
            if any(not is_negative(v) for v in vals):
                texts.append(key)  # "waterproof: yes" supports the word "waterproof"
            for value in vals:
                texts += sorted(variants_of(value))
                # A bare number under a unit-named option: pieces "1000" is 1000 pieces.
                if value.replace(".", "").isdigit() and unit_of(key.split()[-1]):
                    texts.append(f"{value} {key.split()[-1]}")
        for text in texts:
            if not text:
                continue
            facts.quantities += find_quantities(text)
            tokens = [t.norm for t in tokenize(text)]
            for n in range(1, 6):
                for i in range(len(tokens) - n + 1):
                    facts.phrases.add(tuple(tokens[i : i + n]))
            words = text.lower().split()
            for n in range(1, 5):
                for i in range(len(words) - n + 1):
                    facts.squashed.add(squash(" ".join(words[i : i + n])))
        return facts

    def supports_phrase(self, text: str) -> bool:
        """Whether the product's own words contain the phrase `text`."""
        key = phrase_key(text)
        return bool(key) and key in self.phrases

    def supports_claim(self, claim: str) -> bool:
        """Whether the product's words back a claim word ('dishwasher-safe', 'wireless')."""
        wanted = squash(claim)
        if not wanted:
            return True
        if wanted in self.squashed:
            return True
        implied = IMPLIED_BY.get(wanted, ())
        return any(squash(word) in self.squashed for word in implied)

    def supports_quantity(self, quantity: Quantity) -> bool:
        """Whether every number of `quantity` is one the product's record states."""
        own = [v for q in self.quantities if q.dimension == quantity.dimension for v in q.values]
        return all(any(same_amount(v, o) for o in own) for v in quantity.values)

    def has_value(self, key: str, norm_value: str) -> bool:
        """Whether the product has `norm_value` (or an equivalent spelling) under `key`."""
        return bool(variants_of(norm_value) & self.values.get(key, set()))

    def own_value(self, norm_value: str) -> bool:
        """Whether the product has `norm_value` under any option."""
        return any(self.has_value(key, norm_value) for key in self.values)

    def matching_variants(self, scope: dict[str, set[str]]) -> list[Variant]:
        """Variants whose options meet every key of `scope` (any of that key's values)."""
        out = []
        for variant in self.product.variants:
            options = {normalize(k): normalize(v) for k, v in variant.options.items()}
            if all(options.get(k) in vals for k, vals in scope.items()):
                out.append(variant)
        return out

    @property
    def prices(self) -> list[float]:
        """Variant prices."""
        return [v.price for v in self.product.variants]
