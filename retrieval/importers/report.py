"""The outcome of reading a catalog file: the good products and the rows that were not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from pydantic import ValidationError

from retrieval.catalog import Product


class RowError(NamedTuple):
    """A rejected line: where (1-based line of the file) and why."""

    line: int
    reason: str


@dataclass
class RowReport:
    """Every rejected row of a file with its line and reason, and which records they hit.

    The shape every importer shares (catalogs here; customers and orders in the assistant):
    the good records are imported, a record with a rejected row keeps its stored version,
    and a rejected row that names no record stops a sync (what the file lacks is unknown).
    """

    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    source: str = ""
    # Records with a rejected row: their stored version is kept rather than half-replaced.
    incomplete: set[str] = field(default_factory=set)
    # Rejected rows that name no record: then nothing may be treated as deleted.
    unattributed: int = 0

    def error(self, line: int, reason: str, record_id: str | None = None) -> None:
        """Record a rejected row, and the record (product, customer, order) it belongs to
        when known."""
        self.errors.append(RowError(line, reason))
        if record_id:
            self.incomplete.add(record_id)
        else:
            self.unattributed += 1

    def first_errors(self, path: object, shown: int = 5) -> str:
        """The first rejected rows as `file:line: reason`, for a message that says where."""
        if not self.errors:
            return "it holds no record rows"
        text = "; ".join(f"{path}:{e.line}: {e.reason}" for e in self.errors[:shown])
        more = len(self.errors) - shown
        return text + (f"; and {more} more rejected row(s)" if more > 0 else "")


@dataclass
class ImportReport(RowReport):
    """Products read from a source, plus every rejected row with its line and reason."""

    products: list[Product] = field(default_factory=list)

    @property
    def variant_count(self) -> int:
        """Number of variants across the imported products."""
        return sum(len(p.variants) for p in self.products)

    def summary(self) -> str:
        """One line for people: counts and the first few errors."""
        text = (
            f"{self.source or 'catalog'}: {len(self.products)} products, "
            f"{self.variant_count} variants, {len(self.errors)} rejected rows"
        )
        if self.skipped:
            text += f", {len(self.skipped)} skipped"
        shown = "; ".join(f"line {e.line}: {e.reason}" for e in self.errors[:5])
        return text + (f" ({shown}{'; ...' if len(self.errors) > 5 else ''})" if shown else "")


def validation_reason(error: ValidationError) -> str:
    """A pydantic error as one readable line: `field: message; ...`."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "product"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)
