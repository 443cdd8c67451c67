"""What shoppers did: purchases and events, each (user, item, kind, timestamp)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

InteractionKind = Literal["purchase", "cart_add", "click", "view"]

KIND_WEIGHTS: dict[str, float] = {"purchase": 4.0, "cart_add": 2.0, "click": 1.0, "view": 0.5}
"""How much one interaction of each kind says about a shopper's interest, relative to a view."""

KIND_PHRASES: dict[str, str] = {
    "purchase": "you bought this",
    "cart_add": "you added this to your cart",
    "click": "you opened this",
    "view": "you looked at this",
}


class Interaction(BaseModel):
    """One thing a shopper did with an item (a variant)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: str = Field(min_length=1, description="The shopper.")
    item_id: str = Field(min_length=1, description="The variant (item) acted on.")
    kind: InteractionKind = Field(description="purchase, cart_add, click or view.")
    timestamp: float = Field(
        description="When it happened: seconds since the epoch, or any number that grows "
        "with time (only the order is used)."
    )

    @field_validator("timestamp")
    @classmethod
    def _finite(cls, value: float) -> float:
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("timestamp must be a finite number")
        return value


def by_user(interactions: Iterable[Interaction]) -> dict[str, list[Interaction]]:
    """Each shopper's interactions, oldest first (ties keep their given order)."""
    grouped: dict[str, list[Interaction]] = defaultdict(list)
    for interaction in interactions:
        grouped[interaction.user_id].append(interaction)
    return {user: sorted(items, key=lambda i: i.timestamp) for user, items in grouped.items()}


def split_last_purchase(
    history: list[Interaction],
) -> tuple[list[Interaction], list[Interaction]] | None:
    """(everything before the last purchase time, the purchases at that time), or None.

    The purchases of one order share a timestamp, so "the last purchase" is the last order.
    None when the shopper has fewer than two purchase times (nothing would be left to learn
    from).
    """
    times = sorted({i.timestamp for i in history if i.kind == "purchase"})
    if len(times) < 2:
        return None
    last = times[-1]
    before = [i for i in history if i.timestamp < last]
    target = [i for i in history if i.timestamp == last and i.kind == "purchase"]
    return before, target
