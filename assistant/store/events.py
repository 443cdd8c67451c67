"""Shopper events in the store: what was shown, clicked, put in the cart and bought."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.store.conversations import as_utc
from assistant.store.errors import StoreError
from assistant.store.models import Event
from assistant.store.schema import EventRow


def _checked(index: int, entry: Event | Mapping[str, Any]) -> Event:
    """`entry` validated as an `Event`; a `StoreError` names the event and the field.

    Typed records are validated again: one built with `model_construct` skipped the check.
    """
    data = entry.model_dump() if isinstance(entry, Event) else dict(entry)
    try:
        return Event.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or '(event)'}: {e['msg']}"
            + (f" (got {e['input']!r})" if e["type"] != "missing" else "")
            for e in err.errors()
        )
        raise StoreError(f"event {index}: {problems}") from None


def _event(row: EventRow) -> Event:
    return Event(
        session_id=row.session_id,
        user_id=row.user_id,
        kind=row.kind,
        product_id=row.product_id,
        item_id=row.item_id,
        source=row.source,
        query=row.query,
        position=row.position,
        created_at=as_utc(row.created_at),
    )


class Events:
    """Shopper-event methods of `Store` (mixed in; uses its transaction)."""

    _now: Callable[[], datetime]

    def transaction(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def record_events(self, events: Iterable[Event | Mapping[str, Any]]) -> int:
        """Keep shopper events; returns how many were stored.

        Every event is checked before any is written, so a bad one stores nothing.
        Events without `created_at` get the store's clock; times are kept in UTC.

        Raises:
            StoreError: An event is malformed (an unknown kind or source, say); the message
                names the event (0-based) and the field.
        """
        checked = [_checked(i, entry) for i, entry in enumerate(events)]
        if not checked:
            return 0
        now = self._now()
        with self.transaction() as s:
            s.add_all(
                EventRow(
                    session_id=e.session_id,
                    user_id=e.user_id,
                    kind=e.kind,
                    item_id=e.item_id,
                    product_id=e.product_id,
                    source=e.source,
                    query=e.query,
                    position=e.position,
                    created_at=as_utc(e.created_at or now),
                )
                for e in checked
            )
        return len(checked)

    def events(
        self, session_id: str | None = None, *, since: datetime | None = None
    ) -> list[Event]:
        """Stored events in the order they were recorded.

        Args:
            session_id: Only this session's events.
            since: Only events at or after this time (a time without a zone is read as UTC).
        """
        query = select(EventRow).order_by(EventRow.id)
        if session_id is not None:
            query = query.where(EventRow.session_id == session_id)
        if since is not None:
            query = query.where(EventRow.created_at >= as_utc(since))
        with self.transaction() as s:
            return [_event(row) for row in s.scalars(query)]

    def searched_queries(self) -> dict[str, int]:
        """Each query shoppers searched, with how many searches it was (a search's first
        impression stands for the search)."""
        query = (
            select(EventRow.query, func.count())
            .where(
                EventRow.source == "search",
                EventRow.kind == "impression",
                EventRow.position == 1,
                EventRow.query.is_not(None),
            )
            .group_by(EventRow.query)
        )
        with self.transaction() as s:
            return {str(text): int(count) for text, count in s.execute(query)}
