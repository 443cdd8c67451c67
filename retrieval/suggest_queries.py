"""Suggestions as you type: completions of a partial query from the catalog's own words (its
product types, brands, names and option values, with "value type" pairs the catalog holds)
and from what shoppers searched before, most frequent first."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from retrieval.catalog import Product

_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


def catalog_phrases(products: Iterable[Product]) -> Counter[str]:
    """Phrases a shopper may type for this catalog, weighted by how many variants carry them:
    types, brands, product names, option values, and "value type" ("blue t-shirt")."""
    phrases: Counter[str] = Counter()
    for product in products:
        kind = _norm(product.product_type)
        for name in (kind, _norm(product.name), _norm(product.brand or "")):
            if name:
                phrases[name] += len(product.variants)
        for variant in product.variants:
            for value in variant.options.values():
                value = _norm(value)
                if value and not value.isdigit():
                    phrases[value] += 1
                    phrases[f"{value} {kind}"] += 1
    return phrases


def complete(
    prefix: str,
    phrases: Counter[str],
    searched: Mapping[str, int] | Iterable[str] = (),
    limit: int = 8,
) -> list[str]:
    """Up to `limit` completions of `prefix`: earlier searches (each search weighted twice;
    a mapping gives each query's count) and catalog phrases starting with it, or with its last
    word after the words before it."""
    typed = _norm(prefix)
    if not typed:
        return []
    weights = Counter(phrases)
    counts = searched if isinstance(searched, Mapping) else Counter(searched)
    for query, times in counts.items():
        weights[_norm(query)] += 2 * times
    head, _, last = typed.rpartition(" ")
    out: Counter[str] = Counter()
    for phrase, weight in weights.items():
        if phrase == typed:
            continue
        if phrase.startswith(typed):
            out[phrase] += weight * 2
        elif head and phrase.startswith(last):
            out[f"{head} {phrase}"] += weight
    return [p for p, _ in sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
