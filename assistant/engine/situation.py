"""What a step of a turn is decided from, and what a step is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.engine.catalog_ids import CatalogIdMap
from assistant.engine.facts import Facts
from assistant.engine.shown import Shown
from assistant.store.models import SessionState


@dataclass(frozen=True)
class Step:
    """What the engine does next in a turn."""

    tool: str | None = None
    arguments: dict[str, Any] | None = None
    """The call's arguments, when the records decide them; None: the model writes them."""
    reply: str | None = None
    """A reply the engine gives itself (a question, a refusal); the turn ends with it."""


@dataclass(frozen=True)
class Situation:
    """Everything a step is decided from."""

    kinds: tuple[str, ...]
    """What the shopper asks for, in the order stated, the open flow after."""
    text: str
    """The shopper's latest message."""
    said: str
    """Everything the shopper wrote in the conversation the model sees, lower-cased."""
    typed: str
    """The same, as typed."""
    session: SessionState
    facts: Facts
    shown: Shown
    pending: bool
    """A change is waiting for the shopper's yes."""
    kinds_named: tuple[str, ...] = ()
    """The catalog's product types the latest message names."""
    names_an_option: bool = False
    """The latest message names an option value of the catalog (a colour, a size, ...)."""
    questions: tuple[str, ...] = ()
    """The parts of the latest message that ask about the store's policies, one per question."""
    catalog_ids: CatalogIdMap = field(default_factory=dict)
    """The catalog's item and product ids (`Vocabulary.ids`), to know a typed one of any form."""

    @property
    def names_a_kind(self) -> bool:
        """The latest message names a product type of the catalog."""
        return bool(self.kinds_named)


Handler = Callable[[Situation], Step | None]


def ran(s: Situation, tool: str) -> bool:
    """Whether `tool` was called in this turn already (answered or failed)."""
    return tool in s.facts.called_now or tool in s.facts.failed_now
