"""In-memory columns over the indexed documents: filter masks and the catalog vocabulary.

The lexical channel needs a mask over its own document order *before* it picks its top-k;
these columns give that mask in a few numpy operations, and they also tell query
understanding which product types, brands and option values exist.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
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
    type_values: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    """type norm -> option key -> the values items of that type have."""
    ids: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Every item id and product id, lower-cased -> (the id as stored, its product id), so
    an id the shopper types is known whatever its form (`2323972008`, `BL-SCL-WHT`)."""

    @classmethod
    def from_metas(cls, metas: Iterable[dict[str, Any]]) -> Vocabulary:
        """Collect the vocabulary of a list of document metadata."""
        vocab = cls()
        for meta in metas:
            vocab.add(meta)
        return vocab

    def add(self, meta: dict[str, Any]) -> None:
        """Count one more document's type, brand and option values, and note its ids."""
        type_norm = normalize(meta["product_type"])
        self.product_types.setdefault(type_norm, meta["product_type"])
        product_id = meta["product_id"]
        self.ids.setdefault(product_id.lower(), (product_id, product_id))
        self.ids.setdefault(meta["item_id"].lower(), (meta["item_id"], product_id))
        if meta.get("brand"):
            self.brands.setdefault(normalize(meta["brand"]), meta["brand"])
        for key, value in meta["options"].items():
            key = normalize(key)
            self.option_values.setdefault(key, Counter())[normalize(value)] += 1
            self.type_keys.setdefault(type_norm, set()).add(key)
            self.type_values.setdefault(type_norm, {}).setdefault(key, set()).add(normalize(value))


@dataclass(frozen=True)
class Selection:
    """The documents one filter allows.

    `mask` covers every row; `spans` are sorted, disjoint row ranges outside which the mask
    is all False, so a channel can restrict its work to them (a type's block of rows).
    """

    mask: np.ndarray
    spans: tuple[tuple[int, int], ...]
    count: int

    def rows(self) -> np.ndarray:
        """Positions of the allowed rows, ascending."""
        if not self.spans:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.flatnonzero(self.mask[a:b]) + a for a, b in self.spans])


class DocTable:
    """Columns of the documents, in the lexical index's order."""

    def __init__(self, doc_ids: list[str], metas: Sequence[str]) -> None:
        """Build the columns.

        Args:
            doc_ids: Document ids, in index order.
            metas: Each document's metadata as JSON text, as the catalog record stores it.
                Kept as text (a tenth of the memory of parsed dicts) and parsed again only
                for the rows a search returns.
        """
        self.doc_ids = doc_ids
        self._metas = list(metas)
        self.position = {d: i for i, d in enumerate(doc_ids)}
        n = len(doc_ids)
        self.price = np.empty(n, dtype=np.float64)
        self.available = np.empty(n, dtype=bool)
        types, type_codes = np.empty(n, dtype=np.int32), dict[str, int]()
        brands, brand_codes = np.empty(n, dtype=np.int32), dict[str, int]()
        options: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.vocabulary = Vocabulary()
        for i, text in enumerate(self._metas):  # one pass; each parsed dict is dropped
            meta = json.loads(text)
            self.price[i] = meta["price"]
            self.available[i] = meta["available"]
            types[i] = type_codes.setdefault(meta["type_norm"], len(type_codes))
            brands[i] = brand_codes.setdefault(meta.get("brand_norm", ""), len(brand_codes))
            for key, value in meta["options"].items():
                options[normalize(key)][normalize(value)].append(i)
            self.vocabulary.add(meta)
        self._types = (type_codes, types)
        self._brands = (brand_codes, brands)
        self._options = {
            key: {value: np.asarray(pos, dtype=np.int32) for value, pos in vals.items()}
            for key, vals in options.items()
        }
        self._blocks = self._type_blocks()
        everything = np.ones(n, dtype=bool)
        everything.flags.writeable = False
        self._everything = Selection(everything, ((0, n),) if n else (), n)

    def meta(self, position: int) -> dict[str, Any]:
        """The metadata of the document at `position`."""
        return json.loads(self._metas[position])

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

    @staticmethod
    def _wanted_codes(codes: dict[str, int], wanted: list[str]) -> list[int]:
        return sorted({codes[normalize(w)] for w in wanted if normalize(w) in codes})

    @staticmethod
    def _in_codes(column: np.ndarray, ids: list[int], size: int) -> np.ndarray:
        """`column` holds one of `ids`: an equality for one id, a lookup table for more
        (`np.isin` sorts, about 100x slower on a million rows)."""
        if len(ids) == 1:
            return column == ids[0]
        table = np.zeros(size, dtype=bool)
        table[ids] = True
        return table[column]

    def select(self, filters: SearchFilters | None) -> Selection:
        """The documents satisfying `filters`, and the row spans that hold them.

        With a product-type filter only the types' row blocks are read (rows are grouped by
        type), so the cost follows the size of those types, not of the catalog.
        """
        n = len(self.doc_ids)
        if filters is None or filters.is_empty():
            return self._everything
        spans: list[tuple[int, int]] = [(0, n)] if n else []
        type_codes: list[int] | None = None
        if filters.product_types:
            codes, _ = self._types
            blocks = self.type_blocks(filters.product_types)
            if blocks is not None:
                spans = blocks
            else:
                type_codes = self._wanted_codes(codes, filters.product_types)
                if not type_codes:
                    spans = []
        brand_codes: list[int] | None = None
        if filters.brands:
            brand_codes = self._wanted_codes(
                self._brands[0], [b for b in filters.brands if normalize(b)]
            )
            if not brand_codes:
                spans = []
        mask = np.zeros(n, dtype=bool)
        for a, b in spans:
            rows = mask[a:b]  # a view: the conditions are and-ed into the mask in place
            rows[:] = True
            if filters.min_price is not None:
                rows &= self.price[a:b] >= filters.min_price
            if filters.max_price is not None:
                rows &= self.price[a:b] <= filters.max_price
            if filters.available is not None:
                rows &= self.available[a:b] == filters.available
            if type_codes is not None:
                rows &= self._in_codes(self._types[1][a:b], type_codes, len(self._types[0]))
            if brand_codes is not None:
                rows &= self._in_codes(self._brands[1][a:b], brand_codes, len(self._brands[0]))
            for key, values in filters.options.items():
                rows &= self._option_rows(key, values, a, b)
        kept = tuple(
            (a, b) for a, b in spans if b > a and mask[a:b].any()
        )  # spans left empty by the other conditions are dropped
        mask.flags.writeable = False  # shared by both channels: neither may change it
        return Selection(mask, kept, int(np.count_nonzero(mask)))

    def _option_rows(self, key: str, values: list[str], a: int, b: int) -> np.ndarray:
        """Rows a..b whose option `key` has one of `values`."""
        allowed = np.zeros(b - a, dtype=bool)
        by_value = self._options.get(key, {})
        for value in values:
            positions = by_value.get(value)
            if positions is None:
                continue
            lo, hi = np.searchsorted(positions, (a, b))
            allowed[positions[lo:hi] - a] = True
        return allowed

    def mask(self, filters: SearchFilters | None) -> np.ndarray:
        """Boolean mask of the documents satisfying `filters`."""
        return self.select(filters).mask
