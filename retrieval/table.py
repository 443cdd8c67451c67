"""In-memory columns over the indexed documents: filter masks and the catalog vocabulary.

The lexical channel needs a mask over its own document order *before* it picks its top-k;
these columns give that mask in a few numpy operations, and they also tell query
understanding which product types, brands and option values exist.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retrieval.filters import SearchFilters
from retrieval.text import normalize


@dataclass
class Vocabulary:
    """What the indexed catalog contains, normalized (lowercase), with display forms."""

    product_types: dict[str, str] = field(default_factory=dict)  # norm -> display
    brands: dict[str, str] = field(default_factory=dict)  # norm -> display
    option_values: dict[str, Counter[str]] = field(default_factory=dict)  # key -> value counts
    type_keys: dict[str, set[str]] = field(default_factory=dict)  # type norm -> option keys

    @classmethod
    def from_metas(cls, metas: list[dict[str, Any]]) -> Vocabulary:
        """Collect the vocabulary of a list of document metadata."""
        vocab = cls()
        values: dict[str, Counter[str]] = defaultdict(Counter)
        type_keys: dict[str, set[str]] = defaultdict(set)
        for meta in metas:
            type_norm = normalize(meta["product_type"])
            vocab.product_types.setdefault(type_norm, meta["product_type"])
            if meta.get("brand"):
                vocab.brands.setdefault(normalize(meta["brand"]), meta["brand"])
            for key, value in meta["options"].items():
                values[normalize(key)][normalize(value)] += 1
                type_keys[type_norm].add(normalize(key))
        vocab.option_values = dict(values)
        vocab.type_keys = dict(type_keys)
        return vocab


class DocTable:
    """Columns of the documents, in the lexical index's order."""

    def __init__(self, doc_ids: list[str], metas: list[dict[str, Any]]) -> None:
        self.doc_ids = doc_ids
        self.metas = metas
        self.position = {d: i for i, d in enumerate(doc_ids)}
        n = len(doc_ids)
        self.price = np.fromiter((m["price"] for m in metas), dtype=np.float64, count=n)
        self.available = np.fromiter((m["available"] for m in metas), dtype=bool, count=n)
        self._types = self._codes([m["type_norm"] for m in metas])
        self._brands = self._codes([m.get("brand_norm", "") for m in metas])
        options: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, meta in enumerate(metas):
            for key, value in meta["options"].items():
                options[normalize(key)][normalize(value)].append(i)
        self._options = {
            key: {value: np.asarray(pos, dtype=np.int64) for value, pos in vals.items()}
            for key, vals in options.items()
        }
        self.vocabulary = Vocabulary.from_metas(metas)
        self._blocks = self._type_blocks()

    @staticmethod
    def _codes(values: list[str]) -> tuple[dict[str, int], np.ndarray]:
        codes: dict[str, int] = {}
        column = np.fromiter(
            (codes.setdefault(v, len(codes)) for v in values), dtype=np.int32, count=len(values)
        )
        return codes, column

    def _type_blocks(self) -> dict[int, tuple[int, int]] | None:
        codes = self._types[1]
        if codes.size == 0:
            return {}
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        ends = np.r_[starts[1:], codes.size]
        if len(set(codes[starts].tolist())) != len(starts):
            return None  # a type's rows are not contiguous: no block reads
        return {int(codes[a]): (int(a), int(b)) for a, b in zip(starts, ends, strict=True)}

    def type_blocks(self, types: list[str]) -> list[tuple[int, int]] | None:
        """Row ranges holding the given product types (rows are grouped by type).

        Returns None when rows are not grouped by type.
        """
        if self._blocks is None:
            return None
        codes = self._types[0]
        found = {codes[normalize(t)] for t in types if normalize(t) in codes}
        return sorted(self._blocks[c] for c in found)

    def __len__(self) -> int:
        return len(self.doc_ids)

    def _in(self, coded: tuple[dict[str, int], np.ndarray], wanted: list[str]) -> np.ndarray:
        codes, column = coded
        ids = [codes[normalize(w)] for w in wanted if normalize(w) in codes]
        return np.isin(column, ids) if ids else np.zeros(len(column), dtype=bool)

    def mask(self, filters: SearchFilters | None) -> np.ndarray:
        """Boolean mask of the documents satisfying `filters`."""
        mask = np.ones(len(self.doc_ids), dtype=bool)
        if filters is None:
            return mask
        if filters.min_price is not None:
            mask &= self.price >= filters.min_price
        if filters.max_price is not None:
            mask &= self.price <= filters.max_price
        if filters.available is not None:
            mask &= self.available == filters.available
        if filters.product_types:
            mask &= self._in(self._types, filters.product_types)
        if filters.brands:
            mask &= self._in(self._brands, [b for b in filters.brands if normalize(b)])
        for key, values in filters.options.items():
            allowed = np.zeros(len(self.doc_ids), dtype=bool)
            by_value = self._options.get(key, {})
            for value in values:
                if value in by_value:
                    allowed[by_value[value]] = True
            mask &= allowed
        return mask
