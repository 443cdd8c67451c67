"""Shopper events from the storefront: views, clicks and purchases, for the click-through
report (the assistant records what it shows and what goes in the cart itself)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, Field

from assistant.api.deps import require_api_key, state
from assistant.api.errors import ERROR_RESPONSES, ApiError
from assistant.store.errors import StoreError
from assistant.store.models import Event

MAX_EVENTS = 1000
"""Events one request may carry."""

router = APIRouter(
    prefix="/v1",
    tags=["events"],
    dependencies=[Depends(require_api_key)],
    responses=ERROR_RESPONSES,
)


class EventsStored(BaseModel):
    """How many events were kept."""

    stored: int = Field(description="The number of events stored.")


@router.post("/events", response_model=EventsStored, status_code=202)
def post_events(
    request: Request,
    events: Annotated[
        list[Event],
        Body(
            min_length=1,
            max_length=MAX_EVENTS,
            description="The events, oldest first; all are stored or, if one is bad, none.",
            examples=[
                [
                    {
                        "session_id": "s-8f2c",
                        "kind": "click",
                        "product_id": "6086499569",
                        "item_id": "1008292230",
                        "source": "search",
                        "query": "running shoes",
                        "position": 2,
                        "created_at": "2025-01-31T08:15:00Z",
                    }
                ]
            ],
        ),
    ],
) -> EventsStored:
    """Record what shoppers saw, clicked and bought on the storefront.

    Each event names its session, kind (`impression`, `click`, `cart_add`, `purchase`),
    product, and the source that showed the product (`search`, `recommendation`,
    `similar`, `other`); a bad event is answered with 422 naming it and its field.
    """
    try:
        stored = state(request).services.store.record_events(events)
    except StoreError as err:
        raise ApiError(422, "invalid_request", str(err)) from err
    return EventsStored(stored=stored)
