"""Which tool the served model calls first when a conversation opens with a product request.

Usage: python -m evals.first_turn [--require N]   (the model server must be running)

Ten product requests, each the first message of a fresh session, go through the dialogue
engine exactly as the chat UI sends them. A shopper who asks for products expects a catalog
search, not a request to sign in: the report lists each request with the first tool called
and its arguments, and counts the searches. With `--require N` it exits 1 when fewer than N
of the requests search.
"""

from __future__ import annotations

import argparse
import json
import uuid
from dataclasses import dataclass
from typing import Any

REQUESTS = (
    "show me t-shirts",
    "do you have wireless earbuds?",
    "I want a yoga mat under $100",
    "any red cycling helmets?",
    "recommend me a backpack",
    "I'm looking for a mechanical keyboard",
    "find me running shoes size 8",
    "what laptops do you have?",
    "I need a coffee maker",
    "show me black sneakers under $200",
)
SEARCH = "search_products"


@dataclass
class Opening:
    """The first thing the model did with one request."""

    request: str
    session: str
    """The session the request opened (its turn is in the store's turn log)."""
    tool: str | None
    """The first tool called, or None when the model answered in text."""
    arguments: dict[str, Any] | str | None
    reply: str

    @property
    def searched(self) -> bool:
        """True when the first call was a catalog search."""
        return self.tool == SEARCH


def first_turn(engine: Any, request: str) -> Opening:
    """Send `request` as the first message of a new session and record the first call."""
    session = f"first-turn-{uuid.uuid4().hex[:12]}"
    outcome = engine.respond(session, request)
    calls = outcome.tool_calls
    if not calls:
        return Opening(request, session, None, None, outcome.reply)
    return Opening(request, session, calls[0].name, calls[0].arguments, outcome.reply)


def run(engine: Any, requests: tuple[str, ...] = REQUESTS) -> list[Opening]:
    """The opening of every request, in order."""
    return [first_turn(engine, request) for request in requests]


def main(argv: list[str] | None = None) -> int:
    """Run the requests against the configured model server and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--require", type=int, default=0, help="searches needed to pass")
    args = parser.parse_args(argv)

    from assistant.services import build_services

    openings = run(build_services().engine)
    for o in openings:
        did = f"{o.tool} {json.dumps(o.arguments)}" if o.tool else f"text: {o.reply[:70]!r}"
        print(f"{'SEARCH' if o.searched else 'OTHER '} {o.request!r} -> {did}")
    searched = sum(o.searched for o in openings)
    print(f"{searched} of {len(openings)} first-turn product requests search")
    return 0 if searched >= args.require else 1


if __name__ == "__main__":
    raise SystemExit(main())
