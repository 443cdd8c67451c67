"""Catalog ids the shopper types, known by the catalog's own ids rather than by their form.

A store's ids take the form its merchant gave them: ten-digit numbers in one catalog, SKUs
such as `BL-NSE-250-ES` or `BL-SCL-WHT` in another. A pattern of one form misses the others
(a SKU without a digit is not even id-like), so a typed id is looked up in the ids the
catalog index holds (`retrieval.table.Vocabulary.ids`), case-insensitively, as a whole word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_WORD = re.compile(r"[\w#@.+-]+")
_EDGES = ".+-#"

CatalogIdMap = Mapping[str, tuple[str, str]]
"""Lower-cased id -> (the id as stored, its product id), as `Vocabulary.ids` keeps them."""


@dataclass(frozen=True)
class TypedId:
    """An item or product id of the catalog, where a text names it."""

    start: int
    end: int
    id: str
    """As the catalog stores it (the shopper may have typed it in another case)."""
    product_id: str
    """The id itself for a product id; the item's product for an item id."""


def typed_ids(text: str, ids: CatalogIdMap) -> list[TypedId]:
    """The catalog ids `text` names, in order (a word, trailing punctuation dropped)."""
    if not ids:
        return []
    found = []
    for match in _WORD.finditer(text):
        raw = match.group()
        word = raw.strip(_EDGES)
        known = ids.get(word.lower())
        if known is not None:
            start = match.start() + raw.index(word)
            found.append(TypedId(start, start + len(word), known[0], known[1]))
    return found
