"""The outcome of reading a customer or order file: the catalog import's report shape
(`retrieval.importers.report.RowReport`) holding records of another kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from retrieval.importers.report import RowError, RowReport


class Keyed(Protocol):
    """A record known by a key (a customer's lower-cased email, an order's id)."""

    @property
    def key(self) -> str:
        """The record's key."""
        ...


T = TypeVar("T", bound=Keyed)

__all__ = ["RecordReport", "RowError"]


@dataclass
class RecordReport(RowReport, Generic[T]):
    """Records read from a file, plus every rejected row with its line and reason.

    `incomplete` holds the keys (lower-cased email, order id) of records with a rejected row:
    they are left out of the import, so their stored versions stay as they were.
    """

    records: list[T] = field(default_factory=list)

    def drop_incomplete(self, key: str) -> None:
        """Mark the record `key` as having a rejected row (found after reading, e.g. an
        unknown SKU), so it is not imported."""
        self.incomplete.add(key)

    def settle(self) -> None:
        """Leave out the records with a rejected row and put the errors in line order."""
        self.records = [r for r in self.records if r.key not in self.incomplete]
        self.errors.sort()
