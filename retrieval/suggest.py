"""Suggestions as you type: completions from the catalog's vocabulary and past queries.

Candidates are phrases the catalog can answer (type names, product names, brand + type,
option value + type, e.g. "waterproof hiking boots") and queries shoppers typed before. A
logged query is offered only once `min_log_count` searches used it, so one shopper's words
are never shown to others.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from retrieval.catalog import Product
from retrieval.rerank_data import render_value
from retrieval.text import normalize

LOG_WEIGHT = 2.0
"""A logged search counts this much more than one catalog item supporting a phrase."""


@dataclass(frozen=True)
class Completion:
    """One suggested query."""

    text: str
    source: str  # "catalog", "log" or "catalog+log"
    score: float


def _phrases(products: Sequence[Product]) -> Counter[str]:
    """Catalog phrases, each with the number of items it describes."""
    support: Counter[str] = Counter()
    for product in products:
        kind = normalize(product.product_type)
        n = len(product.variants)
        support[kind] += n
        support[normalize(product.name)] += n
        if product.brand:
            support[normalize(f"{product.brand} {product.product_type}")] += n
        for variant in product.variants:
            for key, value in variant.options.items():
                said = normalize(render_value(key, value))
                if said.startswith(("no ", normalize(key) + " ")):
                    support[f"{kind} {said}"] += 1  # "t-shirt size xl", "grill no side burner"
                else:
                    support[f"{said} {kind}"] += 1  # "blue t-shirt", "waterproof hiking boots"
    return support


class QuerySuggester:
    """Completes what a shopper is typing."""

    def __init__(
        self,
        products: Sequence[Product],
        query_log: Iterable[str] = (),
        *,
        min_log_count: int = 2,
    ) -> None:
        """Index the catalog's phrases and the logged queries.

        Args:
            products: The catalog.
            query_log: Past search queries, one entry per search (repeats count).
            min_log_count: Searches a logged query needs before it is suggested.
        """
        if min_log_count < 1:
            raise ValueError(f"min_log_count must be at least 1, got {min_log_count}")
        self.min_log_count = min_log_count
        self._support = _phrases(products)
        self._log: Counter[str] = Counter()
        self._rebuild()
        self.add_queries(query_log)

    def add_queries(self, queries: Iterable[str]) -> None:
        """Count more logged searches."""
        added = Counter(normalize(q) for q in queries if q and q.strip())
        if added:
            self._log.update(added)
            self._rebuild()

    def _rebuild(self) -> None:
        logged = {q for q, n in self._log.items() if n >= self.min_log_count}
        self._texts = sorted(set(self._support) | logged)
        # Word starts after the first word, for "sho" → "running shoes".
        self._inner: list[tuple[str, str]] = sorted(
            (text[i + 1 :], text) for text in self._texts for i, c in enumerate(text) if c == " "
        )

    def _score(self, text: str) -> tuple[float, str]:
        support = self._support.get(text, 0)
        logged = self._log.get(text, 0) if self._log.get(text, 0) >= self.min_log_count else 0
        score = math.log1p(support) + LOG_WEIGHT * math.log1p(logged)
        source = "+".join(s for s, n in (("catalog", support), ("log", logged)) if n)
        return score, source

    def suggest(self, prefix: str, k: int = 5) -> list[Completion]:
        """Up to `k` completions of `prefix`, best first.

        Phrases starting with the prefix come first, then phrases with a later word starting
        with it; within each, more searched and better stocked phrases first.
        """
        key = normalize(prefix)
        if not key or k <= 0:
            return []
        start = bisect.bisect_left(self._texts, key)
        heads: list[str] = []
        for text in self._texts[start:]:
            if not text.startswith(key):
                break
            heads.append(text)
        inner_start = bisect.bisect_left(self._inner, (key, ""))
        inner: list[str] = []
        for tail, text in self._inner[inner_start:]:
            if not tail.startswith(key):
                break
            inner.append(text)
        out: list[Completion] = []
        seen: set[str] = set()
        for group in (heads, inner):
            ranked = sorted(set(group) - seen, key=lambda t: (-self._score(t)[0], len(t), t))
            for text in ranked:
                if len(out) >= k:
                    return out
                score, source = self._score(text)
                out.append(Completion(text, source, round(score, 4)))
                seen.add(text)
        return out
