"""What the whole catalog can say: types, brands, option values, tags, learned from its products.

The checker recognises a statement in copy only when the catalog has the words for it, so what
it knows grows with the catalog instead of with a list in the code. Beyond the search
vocabulary (`retrieval.table.Vocabulary`) it keeps the merchant tags and which attribute
families are descriptive across product types (colours recur across types; a type's "type"
values do not), which decides how strongly a word counts as a claim.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from retrieval.catalog import Product
from retrieval.documents import variant_meta
from retrieval.table import Vocabulary
from retrieval.text import normalize, singular

_WORD = re.compile(r"[^\W_]+")
# Spelling variants of attribute names, so "colour" and "color" are one family.
_FAMILY_SPELLING = {"colour": "color"}
# A value that says the feature is absent ("no", "none", "not resistant", "non-slip" is not).
_NEGATIVE = re.compile(r"^(?:no|none|not\b.*|without\b.*|n/a|false)$")

SHARED_MIN_TYPES = 2
SHARED_MIN_FRACTION = 0.25


def family(key: str) -> str:
    """The attribute family of an option name: its last word ('frame color' → 'color')."""
    words = _WORD.findall(key.lower())
    if not words:
        return normalize(key)
    last = singular(words[-1])
    return _FAMILY_SPELLING.get(last, last)


def is_negative(value: str) -> bool:
    """Whether an option value denies its feature ('no', 'none', 'not resistant')."""
    return bool(_NEGATIVE.match(normalize(value)))


@dataclass
class CopyVocabulary:
    """The catalog's words for product copy.

    Attributes:
        base: Types, brands, option values and the option names of each type.
        tags: Merchant tags across the catalog (normalized) with their counts.
        shared_families: Attribute families whose values recur across product types
            (e.g. color, material, size): naming one of their values claims that attribute.
    """

    base: Vocabulary
    tags: Counter[str] = field(default_factory=Counter)
    shared_families: frozenset[str] = frozenset()

    @classmethod
    def from_products(cls, products: Iterable[Product]) -> CopyVocabulary:
        """Learn the vocabulary of a catalog from its products."""
        metas = []
        tags: Counter[str] = Counter()
        value_types: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for product in products:
            type_norm = normalize(product.product_type)
            tags.update(normalize(t) for t in product.tags if t.strip())
            for variant in product.variants:
                metas.append(variant_meta(product, variant))
                for key, value in variant.options.items():
                    value_types[family(key)][normalize(value)].add(type_norm)
        shared = frozenset(
            fam
            for fam, values in value_types.items()
            if len(set().union(*values.values())) >= SHARED_MIN_TYPES
            and sum(len(types) >= SHARED_MIN_TYPES for types in values.values())
            >= SHARED_MIN_FRACTION * len(values)
        )
        return cls(base=Vocabulary.from_metas(metas), tags=tags, shared_families=shared)

    @classmethod
    def from_vocabulary(cls, vocab: Vocabulary, tags: Iterable[str] = ()) -> CopyVocabulary:
        """Wrap a search vocabulary (no per-type values: a family counts as shared when at
        least two product types have an option of that family)."""
        types_of: dict[str, set[str]] = defaultdict(set)
        for type_norm, keys in vocab.type_keys.items():
            for key in keys:
                types_of[family(key)].add(type_norm)
        shared = frozenset(f for f, types in types_of.items() if len(types) >= SHARED_MIN_TYPES)
        return cls(
            base=vocab,
            tags=Counter(normalize(t) for t in tags if t.strip()),
            shared_families=shared,
        )

    def keys_with(self, value: str) -> list[str]:
        """Option names (normalized) under which the catalog has `value`."""
        norm = normalize(value)
        return [k for k, counts in self.base.option_values.items() if norm in counts]
