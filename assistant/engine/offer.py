"""Which tools the model may call in a turn, and what their arguments may be.

What the shopper asked for decides which tools are offered: each tool says for which request
kinds it is offered (`Tool.offered_for`), and a change (cancel, return, exchange, address,
payment) is offered only when the shopper asked for that kind of change, in this message or
in the flow still open from the last few (a return asked for, then the email given, then the
order named). Identity lookups are offered until the shopper is signed in, held to what the
shopper typed. With no request recognised, the reading tools of shopping and service are
offered, never a change.

Every offered argument that names a record or a value the shopper gives is held to its
source (`shown`, `sources`); a tool whose required argument has no source is not callable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.engine.requests import Requests
from assistant.engine.shown import Shown, holds
from assistant.engine.sources import identity_holds, word_holds
from assistant.llm.types import CallRules
from assistant.store.models import SessionState
from assistant.tools.registry import Tool, ToolKind, ToolRegistry

NO_TOOLS = frozenset({"greeting", "out_of_scope", "confirm", "decline"})
"""Request kinds answered in words alone."""
FLOW_TURNS = 3
"""Shopper messages back that a request stays open for, unless it was done."""
BROWSING = frozenset({"search", "product_info", "faq", "cart_view", "order_status", "handoff"})
"""What is offered when no request is recognised: the reading tools of these kinds."""


@dataclass(frozen=True)
class Offer:
    """What one turn offers the model."""

    requests: frozenset[str]
    """The request kinds of this message and the flow still open."""
    tools: frozenset[str]


def open_flow(
    earlier: Sequence[Requests], done: Iterable[str], registry: ToolRegistry
) -> frozenset[str]:
    """Request kinds of the last few shopper messages that no change has completed yet.

    Args:
        earlier: The requests of earlier shopper messages, oldest first.
        done: Tools that ran successfully since (a done return closes the return request).
        registry: The tools, whose `offered_for` says which request a change completes.
    """
    closed = {k for name in done if name in registry for k in registry.get(name).offered_for}
    kinds: set[str] = set()
    for requests in earlier[-FLOW_TURNS:]:
        kinds |= {k for k in requests.kinds if k not in NO_TOOLS and k not in closed}
    return frozenset(kinds)


def offered_tools(
    registry: ToolRegistry, now: Requests, flow: frozenset[str], session: SessionState
) -> Offer:
    """The tools offered for this message's requests, the open flow and the session."""
    kinds = set(now.kinds) | set(flow)
    asked = kinds - NO_TOOLS
    if not asked and not (now.kinds & NO_TOOLS):
        asked = set(BROWSING)  # nothing recognised: look things up, change nothing
    tools = set()
    for tool in registry:
        if tool.identifies:
            if session.user_id is None:
                tools.add(tool.name)
        elif tool.offered_for & asked and (tool.kind is ToolKind.READ or tool.offered_for & kinds):
            tools.add(tool.name)
    return Offer(frozenset(kinds), frozenset(tools))


def call_rules(
    offer: Offer,
    shown: Shown,
    shopper: Sequence[str],
    vocabulary: Iterable[str],
) -> CallRules:
    """The rules of one model call: the offered tools, their arguments held to their sources.

    Args:
        offer: The tools offered this turn.
        shown: What the conversation showed.
        shopper: The shopper's messages the model sees.
        vocabulary: Catalog words that may fix a misspelled query word.
    """
    held = holds(shown) | identity_holds(shopper)
    held |= word_holds(shopper, vocabulary)
    return CallRules(tools=offer.tools, holds=held)


def breaks(tool: Tool, arguments: dict[str, object], rules: CallRules) -> str | None:
    """Why a call breaks the rules (not offered, an argument without a source), or None."""
    if rules.tools is not None and tool.name not in rules.tools:
        return f"{tool.name} does not fit what the shopper asked for in this conversation"
    for name, value in arguments.items():
        hold = rules.holds.get(name)
        if hold is None or value is None or value == "":
            continue
        if not hold.admits(value):
            return f"{name} is not something the shopper said or a record showed"
    return None
