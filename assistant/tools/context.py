"""What a tool call runs with: the session it belongs to and the store's services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from assistant.store.models import SessionState

if TYPE_CHECKING:
    from assistant.store import Store


def utc_now() -> datetime:
    """The real clock; tests pass their own."""
    return datetime.now(UTC)


@dataclass
class ToolContext:
    """Dependencies every tool receives as its first argument."""

    store: Store
    session: SessionState
    catalog: Any | None = None
    """Product search index (`retrieval`), when loaded."""
    faq: Any | None = None
    """FAQ passage index (`retrieval`), when loaded."""
    personal: Any | None = None
    """The personal ranker (`retrieval.personal.PersonalRanker`), when fitted."""
    copywriter: Any | None = None
    """The copy desk (`assistant.copy.CopyDesk`) of the merchant's assistant, if any."""
    now: Callable[[], datetime] = field(default=utc_now)
