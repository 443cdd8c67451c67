"""The next step of a turn, decided in code from what the shopper asked for and what is known.

A small model picks the wrong tool often, and a wrong tool is where the harm is: a return
proposed for a status question. So the engine decides which tool comes next, request by
request in the order the shopper stated them, from the conversation's records (`facts`):
sign the shopper in first when a request needs it, read the order the shopper means, check
that its status allows the change, then propose exactly the change asked for. A step whose
arguments the records determine runs without the model (`Step.arguments`); one that needs
the shopper's words read (a search query, an address, a quantity) is given to the model as
the one tool it must call, its arguments held to their sources. Where the records cannot
decide (which order? which items?), the engine asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.engine.addresses import address_in
from assistant.engine.merchant_steps import write_copy
from assistant.engine.order_changes import cancel_reason
from assistant.engine.order_steps import (
    ASK_ADDRESS,
    ASK_IDENTITY,
    ORDER_KINDS,
    identity_step,
    order_request,
)
from assistant.engine.shopping_steps import (
    cart_add,
    cart_remove,
    cart_swap,
    compare,
    is_cart_swap,
    product_info,
    search,
    similar,
    undo,
)
from assistant.engine.situation import Handler, Situation, Step, ran

__all__ = ["ASK_IDENTITY", "OUT_OF_SCOPE", "Situation", "Step", "cancel_reason", "next_step"]

SIGN_IN_KINDS = frozenset(
    {"order_status", "cancel", "return", "swap", "order_address", "payment", "account"}
    | {"user_address", "recommend"}
)

OUT_OF_SCOPE = (
    "Sorry, I can't help with that here. I can help you find products, answer questions about "
    "the store and its policies, and take care of your orders."
)
DECLINED = "Okay, I won't make any change. Is there anything else I can help you with?"


def _faq(s: Situation) -> Step | None:
    asked = s.facts.called_now.count("answer_faq") + s.facts.failed_now.count("answer_faq")
    questions = s.questions or (s.text,)
    if asked >= len(questions):
        return None
    return Step("answer_faq", {"question": questions[asked]})


def _handoff(s: Situation) -> Step | None:
    if ran(s, "transfer_to_human_agents"):
        return None
    return Step("transfer_to_human_agents", {"summary": s.text})


def _account(s: Situation) -> Step | None:
    if "get_user_details" in s.facts.called_now:
        return None
    return Step("get_user_details", {"user_id": s.session.user_id})


def _user_address(s: Situation) -> Step | None:
    if ran(s, "modify_user_address"):
        return None
    if s.facts.user is None:
        return Step("get_user_details", {"user_id": s.session.user_id})
    address = address_in(s.text) or address_in(s.typed)
    if address is None:
        return Step(reply=ASK_ADDRESS)
    country = s.facts.user.address.country
    return Step("modify_user_address", {"user_id": s.session.user_id, **address.arguments(country)})


def _out_of_scope(s: Situation) -> Step | None:
    return Step(reply=OUT_OF_SCOPE) if not s.facts.called_now else None


def _decline(s: Situation) -> Step | None:
    return Step(reply=DECLINED) if not s.facts.called_now else None


def _lookup(tool: str, then: Handler | None = None) -> Handler:
    """A request answered by one tool the records give every argument of, or the model."""

    def handle(s: Situation) -> Step | None:
        if ran(s, tool):
            return None
        return then(s) if then is not None else Step(tool)

    return handle


HANDLERS: dict[str, Handler] = {
    "search": search,
    "product_info": product_info,
    "compare": compare,
    "similar": similar,
    "recommend": _lookup(
        "recommend_for_user", lambda s: Step("recommend_for_user", {"context": s.text})
    ),
    "cart_add": cart_add,
    "cart_remove": cart_remove,
    "cart_view": _lookup("view_cart", lambda s: Step("view_cart", {})),
    "cart_undo": _lookup("undo_cart_change", undo),
    "cart_swap": cart_swap,
    "faq": _faq,
    "handoff": _handoff,
    "account": _account,
    "user_address": _user_address,
    "copy": write_copy,
    "out_of_scope": _out_of_scope,
    "decline": _decline,
    **{kind: order_request(kind) for kind in ORDER_KINDS},
}


def next_step(s: Situation, available: Sequence[str]) -> Step | None:
    """The next step of the turn, or None when every request is answered (or none is known).

    Args:
        s: The situation.
        available: The tools the engine has (a request whose tool is missing is skipped).
    """
    if "swap" in s.kinds and is_cart_swap(s):
        s = replace(s, kinds=tuple("cart_swap" if k == "swap" else k for k in s.kinds))
    signing_in = any(k in SIGN_IN_KINDS or k == "identity" for k in s.kinds)
    if signing_in and (step := identity_step(s)) is not None:
        return step
    for kind in s.kinds:
        handler = HANDLERS.get(kind)
        if handler is None:
            continue
        step = handler(s)
        if step is None:
            continue
        if step.tool is not None and step.tool not in available:
            continue
        return step
    return None
