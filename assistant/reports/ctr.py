"""Click-through by source: how often what search, recommendations and similar products
show gets clicked and put in the cart.

CTR is clicks / impressions and the add-to-cart rate cart adds / impressions, per source;
a source that showed nothing has no rate (None, shown as "—"), not a rate of zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, Field

from assistant.store.models import EVENT_SOURCES, Event, EventSource

NO_RATE = "—"


class SourceRates(BaseModel):
    """The counts and rates of one source."""

    source: EventSource
    impressions: int = Field(description="Items shown.")
    clicks: int = Field(description="Items clicked.")
    cart_adds: int = Field(description="Items put in the cart.")
    purchases: int = Field(description="Items bought.")
    ctr: float | None = Field(description="clicks / impressions; None without impressions.")
    add_to_cart_rate: float | None = Field(
        description="cart_adds / impressions; None without impressions."
    )


def _rate(count: int, impressions: int) -> float | None:
    return count / impressions if impressions else None


def ctr_report(events: Iterable[Event]) -> list[SourceRates]:
    """Counts and rates per source, one row for every source (in `EVENT_SOURCES` order)."""
    counts = Counter((event.source, event.kind) for event in events)
    rows = []
    for source in EVENT_SOURCES:
        shown = counts[source, "impression"]
        clicks, adds = counts[source, "click"], counts[source, "cart_add"]
        rows.append(
            SourceRates(
                source=source,
                impressions=shown,
                clicks=clicks,
                cart_adds=adds,
                purchases=counts[source, "purchase"],
                ctr=_rate(clicks, shown),
                add_to_cart_rate=_rate(adds, shown),
            )
        )
    return rows


def _percent(rate: float | None) -> str:
    return NO_RATE if rate is None else f"{rate:.1%}"


def format_table(rows: Iterable[SourceRates]) -> str:
    """The report as an aligned text table (rates in percent, "—" where there is none)."""
    header = ("source", "impressions", "clicks", "cart adds", "purchases", "CTR", "add-to-cart")
    lines = [header] + [
        (
            row.source,
            str(row.impressions),
            str(row.clicks),
            str(row.cart_adds),
            str(row.purchases),
            _percent(row.ctr),
            _percent(row.add_to_cart_rate),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )
