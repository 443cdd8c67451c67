"""A confirmation confirms only what it names.

A change waits for the shopper's yes to its summary. A plain yes runs exactly that change. A
yes that names another kind of change ("yes, exchange it" while a return waits), other items
or orders than the summary (an item of another of the shopper's orders included), another
payment method or cancellation reason, or items of a change that covers a whole order ("yes,
but keep the laptop") does not run it: the change stays waiting and the shopper is told the
difference. Anything that is not a yes drops the change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assistant.engine.offer import change_kinds
from assistant.engine.order_changes import cancel_reason, items_named
from assistant.engine.payment_words import methods_named
from assistant.engine.policy import is_conditional_yes, is_explicit_yes
from assistant.engine.requests import Requests
from assistant.presentation.changes import describe_action
from assistant.store.models import CreditCard, GiftCard, OrderItem, Paypal
from assistant.store.order_ids import OrderIdPattern
from assistant.tools.registry import ToolRegistry

_ID = re.compile(r"#?[A-Za-z]{0,3}\d{5,}")
CONFIRM_SCORE = 0.7
"""How sure the request detector must be that a short message is a yes (other languages)."""
_SHORT = 6


@dataclass(frozen=True)
class Verdict:
    """What a message does to the change waiting for confirmation."""

    action: Literal["run", "ask_again", "drop"]
    message: str = ""
    """For `ask_again`: the difference, then the summary of the change still waiting."""


def _is_yes(text: str, requests: Requests) -> bool:
    if is_explicit_yes(text):
        return True
    short = len(text.split()) <= _SHORT and "?" not in text
    sure = requests.scores.get("confirm", 0.0) >= CONFIRM_SCORE
    return short and sure and "decline" not in requests.kinds


def _values(arguments: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for value in arguments.values():
        for v in value if isinstance(value, list) else [value]:
            found.add(str(v).lstrip("#").lower())
    return found


def _named(
    text: str, ordered: Sequence[OrderItem], order_ids_like: OrderIdPattern | None
) -> dict[str, str]:
    """The ids the message names (typed, or an ordered item by its name), each with how the
    reply shows it: an ordered item by its name and id, anything else as the shopper typed it."""
    named = {m.group().lstrip("#").lower(): m.group() for m in _ID.finditer(text)}
    if order_ids_like is not None:
        named |= {o.lstrip("#").lower(): o for o in order_ids_like.find(text)}
    named |= {item.lower(): item for _, item in items_named(ordered, text)}
    names = {i.item_id.lower(): i for i in ordered}
    for key in named:
        if key in names:
            named[key] = f"the {names[key].name} (item {names[key].item_id})"
    return named


def _whole_order(
    arguments: Mapping[str, Any],
    text: str,
    ordered: Sequence[OrderItem],
    order_ids_like: OrderIdPattern | None,
) -> str:
    """The order's items a yes names ("yes, but keep the laptop", "yes, just the laptop") when
    the change is for a whole order (a cancellation has no items to leave out); "" otherwise."""
    if "order_id" not in arguments or "item_ids" in arguments:
        return ""
    own = {i.item_id.lower() for i in ordered}
    named = _named(text, ordered, order_ids_like)
    return ", ".join(shown for key, shown in named.items() if key in own)


def judge(
    pending: Mapping[str, Any],
    text: str,
    requests: Requests,
    registry: ToolRegistry,
    ordered: Sequence[OrderItem] = (),
    order_ids_like: OrderIdPattern | None = None,
    methods: Sequence[CreditCard | Paypal | GiftCard] = (),
    elsewhere: Sequence[OrderItem] = (),
) -> Verdict:
    """What the shopper's message does to the pending change.

    Args:
        pending: The change waiting (`{"name", "arguments"}`).
        text: The shopper's message.
        requests: What the message asks for.
        registry: The tools (which request kind each change answers).
        ordered: The items of the order the change is about, to read items named by name.
        order_ids_like: How the store's order ids look (`#1001` has too few digits to read
            as an id otherwise); None: τ²'s.
        methods: The shopper's payment methods, to read a method named in the yes.
        elsewhere: The items of the shopper's other orders: a yes naming one of them ("yes,
            the one with the lamp") is about another order.
    """
    name, arguments = pending["name"], pending["arguments"]
    summary = describe_action(name, arguments)
    whole = _whole_order(arguments, text, ordered, order_ids_like)
    if whole and (is_conditional_yes(text) or _is_yes(text, requests)):
        return Verdict("ask_again", f"The change waiting for your yes is for the whole order "
                       f"{arguments['order_id']}, {whole} included: it cannot leave items out. "
                       f"{summary}")  # fmt: skip
    if not _is_yes(text, requests):
        return Verdict("drop")
    own = registry.get(name).offered_for if name in registry else frozenset()
    others = sorted((requests.kinds & change_kinds(registry)) - own)
    if others:
        asked = " or ".join(k.replace("_", " ") for k in others)
        return Verdict("ask_again", f"You mentioned a {asked}, but that is not the change "
                       f"waiting for your yes. {summary}")  # fmt: skip
    reason, stated = arguments.get("reason"), cancel_reason(text)
    if reason is not None and stated is not None and stated != reason:
        return Verdict("ask_again", f"You said the order was {stated}, but the cancellation "
                       f"waiting for your yes gives the reason: {reason}. {summary}")  # fmt: skip
    mine = _values(arguments)
    here = {i.name.lower() for i in ordered}  # "the boots" names this order's boots first
    named = _named(text, [*ordered, *(i for i in elsewhere if i.name.lower() not in here)],
                   order_ids_like)  # fmt: skip
    method = arguments.get("payment_method_id")
    said_methods = methods_named(methods, text)
    if method is not None and said_methods and method not in said_methods:
        listed = " or ".join(said_methods)
        return Verdict("ask_again", f"You mentioned {listed}, but the change waiting for your "
                       f"yes uses {method}. {summary}")  # fmt: skip
    strangers = sorted(set(named) - mine)
    if strangers:
        listed = ", ".join(named[key] for key in strangers)
        return Verdict("ask_again", f"You mentioned {listed}, which is not part of the change "
                       f"waiting for your yes. {summary}")  # fmt: skip
    return Verdict("run")
