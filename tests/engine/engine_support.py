"""Shared helpers of the dialogue-engine tests: shoppers of the τ² world, engine factory."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from assistant.engine import DialogueEngine
from assistant.llm.scripted import ScriptedModel, Step
from assistant.store import Store
from assistant.store.schema import Base
from assistant.tools import default_registry

# Two shoppers of the τ² retail world: SHOPPER talks to the assistant, OTHER must stay private.
SHOPPER = {
    "user_id": "raj_sanchez_2970",
    "email": "raj.sanchez2046@example.com",
    "pending": "#W4566809",
    "delivered": "#W7736708",
}
OTHER = {
    "user_id": "sofia_li_9219",
    "email": "sofia.li7352@example.com",
    "pending": "#W8855135",
    "delivered": "#W4689314",
}


def state_hash(store: Store) -> str:
    """A hash of every row but those of the session, turn and event logs (carts included)."""
    digest = hashlib.sha256()
    conn = store.engine.raw_connection()  # plain SQL: hashing must be cheap, it runs per case
    try:
        for table in Base.metadata.sorted_tables:
            if table.name in ("sessions", "turn_logs", "events"):
                continue
            keys = ", ".join(c.name for c in table.primary_key.columns)
            cursor = conn.cursor()
            cursor.execute(f"SELECT * FROM {table.name} ORDER BY {keys}")
            rows = cursor.fetchall()
            digest.update(f"{table.name}:{rows!r}".encode())
    finally:
        conn.close()
    return digest.hexdigest()


def make_engine(
    store: Store, script: Iterable[Step] | Any, **kwargs: Any
) -> tuple[DialogueEngine, ScriptedModel]:
    """An engine over the real store and tools, driven by a scripted model."""
    model = ScriptedModel(script)
    kwargs.setdefault("registry", default_registry())
    return DialogueEngine(model, store, system_prompt="Test system prompt.", **kwargs), model
