"""What an order id of this store looks like, learned from the ids it holds.

τ²'s orders are `#W` + 7 digits; a Shopify store's are its order names (`#1001`, or with the
prefix the merchant set, `#SHOP1001`). The grounding check and the confirmation reader find
order ids in free text by these shapes: one per prefix (the letters after `#`) and digit
count. A shape with letters also matches written without its `#` (`W1234567`), as shoppers
type them; digits alone need the `#` (a bare `1001` is as likely a zip or a quantity).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy.orm import Session

TAU2_SHAPE = ("W", 7)
"""τ²'s order ids, `#W` + 7 digits: always recognised, so the τ² world reads as before."""

_SHAPED = re.compile(r"#([A-Za-z]{0,8})(\d{1,12})")


@dataclass(frozen=True)
class OrderIdPattern:
    """Finds order ids in text; found ids are written as stored, with their `#`."""

    shapes: frozenset[tuple[str, int]] = frozenset({TAU2_SHAPE})
    """(letters after `#`, digit count) of the store's order ids."""
    literals: frozenset[str] = frozenset()
    """Stored order ids of no such shape, found as written."""

    @classmethod
    def of(cls, order_ids: Iterable[str]) -> OrderIdPattern:
        """The pattern of a store holding `order_ids` (τ²'s shape is always included)."""
        shapes = {TAU2_SHAPE}
        literals = set()
        for order_id in order_ids:
            match = _SHAPED.fullmatch(order_id)
            if match:
                shapes.add((match.group(1), len(match.group(2))))
            else:
                literals.add(order_id)
        return cls(frozenset(shapes), frozenset(literals))

    @property
    def regex(self) -> re.Pattern[str]:
        """One regex with a group per shape: the one that matched holds the id without `#`."""
        return _compiled(self.shapes, self.literals)

    def find(self, text: str) -> Iterator[str]:
        """The order ids written in `text`, each as stored (`#` first when its shape has one)."""
        for match in self.regex.finditer(text):
            body = next(g for g in match.groups() if g is not None)
            yield body if body in self.literals else "#" + body


_CACHE: dict[tuple[frozenset[tuple[str, int]], frozenset[str]], re.Pattern[str]] = {}


def _compiled(shapes: frozenset[tuple[str, int]], literals: frozenset[str]) -> re.Pattern[str]:
    key = (shapes, literals)
    if key not in _CACHE:
        parts = []
        for letters, digits in sorted(shapes):
            body = f"{re.escape(letters)}\\d{{{digits}}}"
            # Letters make a bare id distinctive enough; digits alone need their `#`.
            hash_mark = "#?" if letters else "#"
            parts.append(f"(?<![A-Za-z0-9]){hash_mark}({body})(?!\\d)")
        literal = "|".join(re.escape(x) for x in sorted(literals, key=len, reverse=True))
        if literal:
            parts.append(f"(?<![\\w#])({literal})(?![\\w])")
        _CACHE[key] = re.compile("|".join(parts))
    return _CACHE[key]


class OrderIdShapes:
    """`Store.order_id_pattern()`: the pattern of the stored order ids, read again only when
    the orders changed (their count or last position), so a turn costs one small query."""

    def transaction(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    _order_id_pattern: tuple[tuple[int, int], OrderIdPattern] | None = None

    def order_id_pattern(self) -> OrderIdPattern:
        """How this store's order ids look (`OrderIdPattern`)."""
        from sqlalchemy import func, select

        from assistant.store.schema import OrderRow

        with self.transaction() as s:
            count, last = s.execute(
                select(func.count(OrderRow.order_id), func.max(OrderRow.position))
            ).one()
            key = (int(count or 0), int(last or 0))
            if self._order_id_pattern is None or self._order_id_pattern[0] != key:
                ids = s.scalars(select(OrderRow.order_id))
                self._order_id_pattern = (key, OrderIdPattern.of(ids))
            return self._order_id_pattern[1]
