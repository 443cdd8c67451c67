"""Shopper events from a turn's tool results: the items shown, and the cart adds they led to.

A search, a recommendation or a list of similar products shown to the shopper records one
impression per item, with its place in the list. An item added to the cart is credited to
the source that last showed it in the session (`other` when none did), which is what the
click-through report compares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.presentation import ToolOutput
from assistant.store.models import Event, EventSource, SessionState
from assistant.tools.results import Cart, SearchResults, Suggestions

SOURCE_OF_TOOL: dict[str, EventSource] = {
    "search_products": "search",
    "recommend_for_user": "recommendation",
    "similar_products": "similar",
}
"""The tools whose results are lists shown to the shopper, and the source each stands for."""


def _impressions(output: ToolOutput, session: SessionState) -> list[Event]:
    result, source = output.result, SOURCE_OF_TOOL[output.name]
    if isinstance(result, SearchResults):
        query: str | None = result.query
    elif isinstance(result, Suggestions):
        context = output.arguments.get("context")
        query = str(context) if context else None
    else:
        return []
    return [
        Event(
            session_id=session.session_id,
            user_id=session.user_id,
            kind="impression",
            product_id=hit.product_id,
            item_id=hit.item_id,
            source=source,
            query=query,
            position=place,
        )
        for place, hit in enumerate(result.results, start=1)
    ]


def _credited(item_id: str, product_id: str, shown: Sequence[Event]) -> EventSource:
    """The source of the latest impression of the item (or of its product, shown without a
    variant), else `other`."""
    for event in reversed(shown):
        if event.kind != "impression":
            continue
        if event.item_id == item_id or (event.item_id is None and event.product_id == product_id):
            return event.source
    return "other"


def turn_events(
    outputs: Sequence[ToolOutput],
    session: SessionState,
    earlier: Callable[[], Sequence[Event]],
) -> list[Event]:
    """The events a turn's successful tool calls stand for, in the order they ran.

    Args:
        outputs: The turn's successful tool calls with their typed results.
        session: The conversation (its id and signed-in shopper go on every event).
        earlier: The session's stored events; read only when an item was added to the cart.
    """
    events: list[Event] = []
    before: Sequence[Event] | None = None
    for output in outputs:
        if output.name in SOURCE_OF_TOOL:
            events += _impressions(output, session)
        elif output.name == "add_to_cart" and isinstance(output.result, Cart):
            item_id = str(output.arguments.get("item_id", "")).strip()
            line = next((i for i in output.result.items if i.item_id == item_id), None)
            if line is None:
                continue
            if before is None:
                before = earlier()
            source = _credited(item_id, line.product_id, [*before, *events])
            events.append(
                Event(
                    session_id=session.session_id,
                    user_id=session.user_id,
                    kind="cart_add",
                    product_id=line.product_id,
                    item_id=item_id,
                    source=source,
                )
            )
    return events
