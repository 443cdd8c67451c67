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
    ordered: tuple[str, ...] = ()
    """This message's kinds in the order stated, then the open flow's."""


def open_flow(
    earlier: Sequence[Requests],
    done: Iterable[str],
    registry: ToolRegistry,
    unserved: bool = False,
) -> tuple[str, ...]:
    """Request kinds of the last few shopper messages that are still open.

    A change stays open until a change of its kind ran; a request that only reads stays open
    for one message, and only when the last turn did not serve it (it asked who the shopper
    is, say).

    Args:
        earlier: The requests of earlier shopper messages, oldest first.
        done: The changes that ran successfully since.
        registry: The tools, whose `offered_for` says which request a change completes.
        unserved: The last turn ran no tool that answers a request.
    """
    changes = change_kinds(registry)
    closed = {
        k
        for name in done
        if name in registry and registry.get(name).kind is not ToolKind.READ
        for k in registry.get(name).offered_for
    }
    kinds: list[str] = []
    for n, requests in enumerate(earlier[-FLOW_TURNS:][::-1]):
        for kind in requests.ordered or sorted(requests.kinds):
            if kind in NO_TOOLS or kind in closed or kind in kinds:
                continue
            if kind in changes or (n == 0 and unserved):
                kinds.append(kind)
    return tuple(kinds)


def change_kinds(registry: ToolRegistry) -> frozenset[str]:
    """The request kinds that ask for a change of an order or the account."""
    return frozenset(
        k for tool in registry if tool.kind is ToolKind.CHANGE for k in tool.offered_for
    )


def offered_tools(
    registry: ToolRegistry, now: Requests, flow: Sequence[str], session: SessionState
) -> Offer:
    """The tools offered for this message's requests, the open flow and the session."""
    ordered = (*now.ordered, *(k for k in flow if k not in now.kinds))
    kinds = set(ordered)
    asked = kinds - NO_TOOLS
    if not asked and not (now.kinds & NO_TOOLS):
        asked = set(BROWSING)  # nothing recognised: look things up, change nothing
    tools = set()
    for tool in registry:
        if tool.identifies:
            if session.user_id is None:
                tools.add(tool.name)
        elif tool.offered_for & asked:
            tools.add(tool.name)
    return Offer(frozenset(kinds), frozenset(tools), ordered)


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
