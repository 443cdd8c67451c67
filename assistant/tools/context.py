"""What a tool call runs with: the session it belongs to and the store's services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.store import Store


def utc_now() -> datetime:
    """The real clock; tests pass their own."""
    return datetime.now(UTC)


@dataclass
class SessionState:
    """Per-conversation state the policy relies on."""

    session_id: str
    user_id: str | None = None
    """The authenticated shopper, set once by a successful identity lookup."""
    pending_action: dict[str, Any] | None = None
    """A WRITE call (`{"name", "arguments"}`) waiting for the shopper's explicit yes."""


@dataclass
class ToolContext:
    """Dependencies every tool receives as its first argument."""

    store: Store
    session: SessionState
    catalog: Any | None = None
    """Product search index (`retrieval`), when loaded."""
    faq: Any | None = None
    """FAQ passage index (`retrieval`), when loaded."""
    now: Callable[[], datetime] = field(default=utc_now)
