"""Steps for the shopper's orders: sign-in, the order meant, its status, exactly the change.

A change is proposed only when the records decide it: the order read in this turn, its status
allowing the change, the items and variants the shopper named, a reason or an address in
the shopper's own words. Where they cannot decide, the step is a question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.engine.addresses import address_in
from assistant.engine.order_changes import (
    cancel_reason,
    items_named,
    items_pointed,
    wanted_variants,
)
from assistant.engine.payment_words import methods_named, names_a_method
from assistant.engine.shown import ids_in
from assistant.engine.situation import Handler, Situation, Step, ran
from assistant.engine.sources import EMAIL, ZIP, sign_in_by_name
from assistant.store.models import GiftCard, Order, OrderItem

ORDER_KINDS = ("order_status", "cancel", "return", "swap", "order_address", "payment")

ASK_REASON = (
    "I can cancel order {order_id}. Could you tell me the reason: is it no longer needed, or "
    "was it ordered by mistake?"
)
ASK_ADDRESS = (
    "What is the full new address: street and number, apartment or suite if any, city, "
    "state and zip code?"
)
ASK_IDENTITY = (
    "I can help with that. First I need to verify who you are: please tell me your email "
    "address, or your first name, last name and zip code."
)
NOT_THEIRS = (
    "I can only show orders of the account you signed in with, and order {order_id} isn't one "
    "of them. The account holder can ask about it themselves."
)
NOT_FOUND = (
    "I couldn't find an account with that. Could you check it, or give me your first name, "
    "last name and zip code instead?"
)
_NEEDS = {
    "cancel": ("pending", "cancelled"),
    "return": ("delivered", "returned"),
    "order_address": ("pending", "changed"),
    "payment": ("pending", "changed"),
}


def identity_step(s: Situation) -> Step | None:
    if s.session.user_id is not None:
        return None
    if "find_user_id_by_email" in s.facts.failed_now or (
        "find_user_id_by_name_zip" in s.facts.failed_now
    ):
        return Step(reply=NOT_FOUND)
    emails = EMAIL.findall(s.text) or EMAIL.findall(s.typed)
    if emails:
        return Step("find_user_id_by_email", {"email": emails[-1].rstrip(".")})
    if ZIP.search(s.said) and len(re.findall(r"[A-Za-z]{2,}", s.said)) >= 2:
        return Step("find_user_id_by_name_zip", sign_in_by_name(s.text))
    return Step(reply=ASK_IDENTITY)


def _theirs(s: Situation, order_ids: Sequence[str]) -> list[str]:
    return [i for i in order_ids if s.facts.user is None or i in s.facts.user.orders]


def _orders_with_items(s: Situation, text: str) -> list[str]:
    """The orders holding an item `text` names, among the shopper's orders read so far."""
    orders = _theirs(s, list(s.facts.orders))
    return [o for o in orders if items_named(s.facts.orders[o].items, text)]


def _order_with_items(s: Situation, text: str) -> str | None:
    """The first order holding an item `text` names, among the shopper's orders read so far."""
    return next(iter(_orders_with_items(s, text)), None)


def _which_by_item(s: Situation, kind: str) -> Step | str | None:
    """For a change asked by an item ("cancel the espresso machine order"): every order of the
    shopper read first, then the one holding it whose status allows the change, or a question
    when several do. The latest message decides, else the earlier ones when no order id was
    typed; None when they name no item of an order read so far."""
    if ids_in("order_id", s.text) or kind not in _STATUS_FOR or s.facts.user is None:
        return None
    holding = _orders_with_items(s, s.text.lower())
    if not holding and not ids_in("order_id", s.typed):
        # "the camera I bought stopped working" before the sign-in
        holding = _orders_with_items(s, s.said.lower())
    if not holding:
        return None
    unread = [o for o in s.facts.user.orders if o not in s.facts.orders]
    if unread:
        return Step("get_order_details", {"order_id": unread[0]})
    fitting = [o for o in holding if s.facts.orders[o].status == _STATUS_FOR[kind]]
    if len(fitting) == 1 or len(holding) == 1:
        return (fitting or holding)[0]
    return Step(reply=f"Which order do you mean? {_listed(s, fitting or holding)}.")


def _listed(s: Situation, orders: Sequence[str]) -> str:
    return "; ".join(
        f"{o} ({s.facts.orders[o].status}: {', '.join(i.name for i in s.facts.orders[o].items)})"
        for o in orders
    )


def _order_of_kind(s: Situation) -> str | None:
    """The one order read so far holding a product of a type the latest message names ("the
    one with the bike": a Bicycle)."""
    kinds = {k.lower() for k in s.kinds_named}
    holding = [
        order_id
        for order_id in _theirs(s, list(s.facts.orders))
        if any(i.name.lower() in kinds for i in s.facts.orders[order_id].items)
    ]
    return holding[0] if len(holding) == 1 else None


def _latest_order(s: Situation) -> str | None:
    """The order the latest message names by an item in it, by name or by type."""
    return _order_with_items(s, s.text.lower()) or _order_of_kind(s)


def _named_order(s: Situation) -> str | None:
    """The order the shopper means: one the latest message names by id or by an item in it,
    else one named by id earlier, else by an item earlier."""
    latest = _theirs(s, ids_in("order_id", s.text))
    if latest:
        return latest[0]
    if (by_item := _latest_order(s)) is not None:
        return by_item
    earlier = _theirs(s, list(reversed(ids_in("order_id", s.typed))))
    return earlier[0] if earlier else _order_with_items(s, s.said)


_STATUS_FOR = {"cancel": "pending", "return": "delivered", "order_address": "pending"}


def _target_order(s: Situation, kind: str) -> tuple[Step | None, Order | None]:
    """A step towards the order the shopper means, or that order read in this turn.

    The order named by id; else the one holding an item the shopper named (the shopper's
    orders are read to find it); else the only one whose status allows the change; else the
    engine asks which.
    """
    if (further := _looking_further(s)) is not None:
        return further, None
    by_item = _which_by_item(s, kind)
    if isinstance(by_item, Step):
        return by_item, None
    order_id = by_item or _named_order(s)
    if order_id is None:
        if s.facts.user is None:
            return Step("get_user_details", {"user_id": s.session.user_id}), None
        orders = s.facts.user.orders
        unread = [o for o in orders if o not in s.facts.orders]
        if len(orders) == 1:
            order_id = orders[0]
        elif unread:
            return Step("get_order_details", {"order_id": unread[0]}), None
        else:
            status = _STATUS_FOR.get(kind)
            fitting = [o for o in orders if status and s.facts.orders[o].status == status]
            if len(fitting) == 1:
                order_id = fitting[0]
            else:
                return Step(reply=f"Which order do you mean? {_listed(s, orders)}."), None
    if order_id not in s.facts.orders and "get_order_details" in s.facts.failed_now:
        return Step(reply=NOT_THEIRS.format(order_id=order_id)), None
    if order_id not in s.facts.read_now or order_id not in s.facts.orders:
        return Step("get_order_details", {"order_id": order_id}), None
    return None, s.facts.orders[order_id]


def _looking_further(s: Situation) -> Step | None:
    """The shopper means an order by an item no order read so far holds ("the other one,
    with the thermostat"): read the shopper's other orders first."""
    if ids_in("order_id", s.text) or not s.kinds_named:
        return None
    if _latest_order(s) is not None:
        return None
    if s.facts.user is None:
        return Step("get_user_details", {"user_id": s.session.user_id})
    unread = [o for o in s.facts.user.orders if o not in s.facts.orders]
    return Step("get_order_details", {"order_id": unread[0]}) if unread else None


def _items_text(order: Order) -> str:
    return ", ".join(f"{i.name} (item {i.item_id})" for i in order.items)


def _chosen_items(s: Situation, order: Order) -> list[OrderItem]:
    named = {item_id for _, item_id in items_named(order.items, s.said)}
    named |= {i for i in s.shown.pointed if i in {x.item_id for x in order.items}}
    chosen = [i for i in order.items if i.item_id in named]
    return chosen or (list(order.items) if len(order.items) == 1 else [])


def _named_method(s: Situation, current: str | None = None, text: str | None = None) -> str | None:
    """The one payment method of the shopper's profile the shopper named (PayPal, a gift
    card, a card by brand or last four digits), `current` (the one in use) aside, or None.

    Args:
        s: The turn's situation.
        current: A method that does not count (the order's own, for a payment change).
        text: Where to look; the latest message when None.
    """
    if s.facts.user is None:
        return None
    said = s.text if text is None else text
    methods = [m for m in s.facts.user.payment_methods.values() if m.id != current]
    found = methods_named(methods, said)
    return found[0] if len(found) == 1 else None


def _refund_method(s: Situation, order: Order) -> str | Step:
    """The payment method a refund goes to: the one the shopper named if a refund may go
    there (the order's original payment or a gift card), else the original payment; the
    shopper's details first when they named one, or a reply when the one named may not
    take the refund."""
    original = order.payment_history[0].payment_method_id
    if s.facts.user is None:
        if names_a_method(s.said):
            return Step("get_user_details", {"user_id": s.session.user_id})
        return original
    named = _named_method(s, text=s.said)
    if named is None:
        return original
    if named == original or isinstance(s.facts.user.payment_methods[named], GiftCard):
        return named
    return Step(
        reply=f"A refund can go to the order's original payment method ({original}) or to a "
        f"gift card, not to {named}. Which would you like?"
    )


def order_request(kind: str) -> Handler:
    done_tool = {
        "cancel": "cancel_pending_order",
        "return": "return_delivered_order_items",
        "order_address": "modify_pending_order_address",
        "payment": "modify_pending_order_payment",
    }.get(kind)

    def handle(s: Situation) -> Step | None:
        if done_tool is not None and ran(s, done_tool):
            return None
        if kind == "swap" and (
            ran(s, "exchange_delivered_order_items") or ran(s, "modify_pending_order_items")
        ):
            return None
        step, order = _target_order(s, kind)
        if step is not None or order is None:
            return step
        if kind == "order_status":
            return None
        if kind == "swap":
            return _swap(s, order)
        needed, done = _NEEDS[kind]
        if needed not in order.status:
            return Step(
                reply=f"Order {order.order_id} is {order.status}, so it can't be {done}. "
                f"Only {needed} orders can be {done}."
            )
        if kind == "return":
            items = _chosen_items(s, order)
            if not items:
                return Step(
                    reply=f"Which items of order {order.order_id} would you like to return? "
                    f"It has: {_items_text(order)}."
                )
            refund = _refund_method(s, order)
            if isinstance(refund, Step):
                return refund
            arguments = {
                "order_id": order.order_id,
                "item_ids": [i.item_id for i in items],
                "payment_method_id": refund,
            }
            return Step("return_delivered_order_items", arguments)
        if kind == "payment":
            if s.facts.user is None:
                return Step("get_user_details", {"user_id": s.session.user_id})
            method = _named_method(s, order.payment_history[0].payment_method_id)
            if method is None:
                listed = ", ".join(s.facts.user.payment_methods)
                return Step(reply=f"Which payment method should order {order.order_id} use? "
                            f"You have: {listed}.")  # fmt: skip
            card = s.facts.user.payment_methods[method]
            total = order.payment_history[0].amount
            if isinstance(card, GiftCard) and card.balance < total:
                return Step(
                    reply=f"Your gift card {card.id} has a balance of ${card.balance:,.2f}, which "
                    f"is not enough to cover order {order.order_id} (${total:,.2f}), so I can't "
                    "switch the payment to it."
                )
            arguments = {"order_id": order.order_id, "payment_method_id": method}
            return Step("modify_pending_order_payment", arguments)
        if kind == "cancel":
            if some := _some_items(s, order):
                return Step(reply=WHOLE_ORDER.format(
                    order_id=order.order_id, named=", ".join(i.name for i in some),
                    items=_items_text(order)))  # fmt: skip
            reason = cancel_reason(s.said)
            if reason is None:
                return Step(reply=ASK_REASON.format(order_id=order.order_id))
            return Step("cancel_pending_order", {"order_id": order.order_id, "reason": reason})
        if kind == "order_address":
            address = address_in(s.text) or address_in(s.typed)
            if address is None:
                return Step(reply=ASK_ADDRESS)
            arguments = {"order_id": order.order_id, **address.arguments(order.address.country)}
            return Step("modify_pending_order_address", arguments)
        return Step(done_tool)

    return handle


WHOLE_ORDER = (
    "Items of a pending order can't be cancelled one by one: cancelling order {order_id} would "
    "cancel all of it, not only the {named}. It has: {items}. Should I cancel the whole order?"
)
_SOME = re.compile(
    r"\b(?:from|out of|in|off) (?:my|the|this|that|our) (?:order|purchase)\b|\b(?:just|only) the\b"
)
_WHOLE = re.compile(r"\b(?:whole|entire|all of it|everything|all)\b")


def _some_items(s: Situation, order: Order) -> list[OrderItem]:
    """The items a cancel request asks to take out of an order that has others too ("cancel
    the wall clock from my order"); none when it asks for the whole order or names it by an
    item ("cancel the order with the clock")."""
    text = s.text.lower()
    if not _SOME.search(text) or _WHOLE.search(text):
        return []
    named = {item_id for _, item_id in items_named(order.items, text)}
    some = [i for i in order.items if i.item_id in named]
    return some if 0 < len(some) < len(order.items) else []


def _swap(s: Situation, order: Order) -> Step | None:
    if order.status not in ("delivered", "pending"):
        return Step(
            reply=f"Order {order.order_id} is {order.status}, so its items can't be changed now. "
            "Pending orders can be changed and delivered ones exchanged."
        )
    items = _chosen_items(s, order)
    if not items:
        return Step(
            reply=f"Which items of order {order.order_id} would you like to change? "
            f"It has: {_items_text(order)}."
        )
    other = [k for k in s.kinds_named if k.lower() not in {i.name.lower() for i in items}]
    if other:
        return Step(
            reply=f"An item can only be changed for another variant of the same product, so "
            f"the {items[0].name} can't become a {other[0]}. I can return it instead, or "
            "change it to another option of the same product."
        )
    for item in items:
        if item.product_id not in s.facts.products:
            return Step("get_product_details", {"product_id": item.product_id})
    stock = {
        pid: {v.item_id: dict(v.options) for v in p.variants.values() if v.available}
        for pid, p in s.facts.products.items()
    }
    new_ids = []
    latest = s.text.lower()
    pointed = items_pointed(items, latest)
    for item in items:
        if pointed and item.item_id not in pointed:
            # "make the black one X instead, keep the other change": the latest message is
            # about the other item; this one keeps what was asked for it before
            asked = wanted_variants([item], stock, s.said.replace(latest, " "))
        else:
            asked = wanted_variants([item], stock, s.said, latest)
        wanted = sorted(asked - {i.item_id for i in order.items})
        if len(wanted) != 1 and (gone := _sold_out(s, item)) is not None:
            return Step(reply=gone)
        if len(wanted) != 1:
            others = [
                f"{', '.join(o.values())} (item {i})"
                for i, o in stock.get(item.product_id, {}).items()
                if i != item.item_id
            ][:8]
            return Step(
                reply=f"What would you like instead of the {item.name} "
                f"({', '.join(item.options.values())})? Available: {'; '.join(others)}."
            )
        new_ids.append(wanted[0])
    if s.facts.user is None:
        return Step("get_user_details", {"user_id": s.session.user_id})
    method = _named_method(s) or _named_method(s, text=s.said)
    if method is None:
        listed = ", ".join(s.facts.user.payment_methods)
        return Step(
            reply=f"Which of your payment methods should pay or receive the price difference? "
            f"You have: {listed}."
        )
    tool = (
        "exchange_delivered_order_items"
        if order.status == "delivered"
        else "modify_pending_order_items"
    )
    arguments = {
        "order_id": order.order_id,
        "item_ids": [i.item_id for i in items],
        "new_item_ids": new_ids,
        "payment_method_id": method,
    }
    return Step(tool, arguments)


def _sold_out(s: Situation, item: OrderItem) -> str | None:
    """Why the variant the shopper asks for cannot be had: it exists, but is out of stock."""
    product = s.facts.products.get(item.product_id)
    if product is None:
        return None
    every = {item.product_id: {v.item_id: dict(v.options) for v in product.variants.values()}}
    asked = wanted_variants([item], every, s.said, s.text.lower())
    if len(asked) != 1:
        return None
    variant = product.variants[next(iter(asked))]
    if variant.available:
        return None
    options = ", ".join(str(v) for v in variant.options.values())
    return (
        f"Sorry, the {item.name} in {options} (item {variant.item_id}) is out of stock, so I "
        "can't exchange for it. Would another option work for you?"
    )
