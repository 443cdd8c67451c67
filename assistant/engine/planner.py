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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.engine.addresses import address_in
from assistant.engine.facts import Facts
from assistant.engine.order_changes import items_named, wanted_variants
from assistant.engine.shown import Shown, ids_in
from assistant.engine.sources import EMAIL, ZIP, quantities, search_query
from assistant.store.models import GiftCard, Order, OrderItem, SessionState
from assistant.tools.results import Cart, SearchResults

SIGN_IN_KINDS = frozenset(
    {"order_status", "cancel", "return", "swap", "order_address", "payment", "account"}
    | {"user_address", "recommend"}
)
ORDER_KINDS = ("order_status", "cancel", "return", "swap", "order_address", "payment")

ASK_REASON = (
    "I can cancel order {order_id}. Could you tell me the reason: is it no longer needed, or "
    "was it ordered by mistake?"
)
_MISTAKE = re.compile(
    r"\bmistake|\bby accident|\baccidental|\bwrong (?:item|order)|\bordered twice"
)
_NOT_NEEDED = re.compile(
    r"no longer|n[o']?t need|dont need|changed? my mind|anymore|any more|not needed|"
    r"don'?t want|no use for",
    re.IGNORECASE,
)


def cancel_reason(said: str) -> str | None:
    """The cancellation reason the shopper gave, in the store's two words for it, or None."""
    if _MISTAKE.search(said):
        return "ordered by mistake"
    if _NOT_NEEDED.search(said):
        return "no longer needed"
    return None


ASK_ADDRESS = (
    "What is the full new address: street and number, apartment or suite if any, city, "
    "state and zip code?"
)
ASK_IDENTITY = (
    "I can help with that. First I need to verify who you are: please tell me your email "
    "address, or your first name, last name and zip code."
)
NOT_FOUND = (
    "I couldn't find an account with that. Could you check it, or give me your first name, "
    "last name and zip code instead?"
)
OUT_OF_SCOPE = (
    "Sorry, I can't help with that here. I can help you find products, answer questions about "
    "the store and its policies, and take care of your orders."
)
DECLINED = "Okay, I won't make any change. Is there anything else I can help you with?"
NOTHING_PENDING = "There is no change waiting for your confirmation. How can I help?"

_NEEDS = {
    "cancel": ("pending", "cancelled"),
    "return": ("delivered", "returned"),
    "order_address": ("pending", "changed"),
    "payment": ("pending", "changed"),
}


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

    @property
    def names_a_kind(self) -> bool:
        """The latest message names a product type of the catalog."""
        return bool(self.kinds_named)


Handler = Callable[[Situation], Step | None]


def _ran(s: Situation, tool: str) -> bool:
    return tool in s.facts.called_now or tool in s.facts.failed_now


def _identity(s: Situation) -> Step | None:
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
        return Step("find_user_id_by_name_zip")
    return Step(reply=ASK_IDENTITY)


def _theirs(s: Situation, order_ids: Sequence[str]) -> list[str]:
    return [i for i in order_ids if s.facts.user is None or i in s.facts.user.orders]


def _order_with_items(s: Situation, text: str) -> str | None:
    """The order holding an item `text` names, among the shopper's orders read so far."""
    for order_id in _theirs(s, list(s.facts.orders)):
        if items_named(s.facts.orders[order_id].items, text):
            return order_id
    return None


def _named_order(s: Situation) -> str | None:
    """The order the shopper means: one the latest message names by id or by an item in it,
    else one named by id earlier, else by an item earlier."""
    latest = _theirs(s, ids_in("order_id", s.text))
    if latest:
        return latest[0]
    if (by_item := _order_with_items(s, s.text.lower())) is not None:
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
    order_id = _named_order(s)
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
                listed = "; ".join(
                    f"{o} ({s.facts.orders[o].status}: "
                    f"{', '.join(i.name for i in s.facts.orders[o].items)})"
                    for o in orders
                )
                return Step(reply=f"Which order do you mean? {listed}."), None
    if order_id not in s.facts.read_now or order_id not in s.facts.orders:
        return Step("get_order_details", {"order_id": order_id}), None
    return None, s.facts.orders[order_id]


def _items_text(order: Order) -> str:
    return ", ".join(f"{i.name} (item {i.item_id})" for i in order.items)


def _chosen_items(s: Situation, order: Order) -> list[OrderItem]:
    named = {item_id for _, item_id in items_named(order.items, s.said)}
    named |= {i for i in s.shown.pointed if i in {x.item_id for x in order.items}}
    chosen = [i for i in order.items if i.item_id in named]
    return chosen or (list(order.items) if len(order.items) == 1 else [])


def _named_method(s: Situation, current: str | None = None) -> str | None:
    """The one payment method of the shopper's profile the shopper named (PayPal, a gift
    card, a card by brand or last four digits), `current` (the one in use) aside, or None."""
    if s.facts.user is None:
        return None
    found = []
    for method in s.facts.user.payment_methods.values():
        if method.id == current:
            continue
        words = {method.source.replace("_", " ")}
        if method.source == "credit_card":
            words |= {"credit card", "card", method.brand.lower(), method.last_four}
        if method.source == "gift_card":
            words.add("gift")
        if any(re.search(rf"\b{re.escape(w)}\b", s.text.lower()) for w in words):
            found.append(method.id)
    return found[0] if len(found) == 1 else None


def _refund_method(s: Situation, order: Order) -> str:
    """The payment method a refund or a price difference goes to: a gift card the shopper
    asked for, else the order's original payment."""
    if "gift card" in s.said and s.facts.user is not None:
        cards = [m.id for m in s.facts.user.payment_methods.values() if isinstance(m, GiftCard)]
        if cards:
            return cards[0]
    return order.payment_history[0].payment_method_id


def _order_request(kind: str) -> Handler:
    done_tool = {
        "cancel": "cancel_pending_order",
        "return": "return_delivered_order_items",
        "order_address": "modify_pending_order_address",
        "payment": "modify_pending_order_payment",
    }.get(kind)

    def handle(s: Situation) -> Step | None:
        if done_tool is not None and _ran(s, done_tool):
            return None
        if kind == "swap" and (
            _ran(s, "exchange_delivered_order_items") or _ran(s, "modify_pending_order_items")
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
            arguments = {
                "order_id": order.order_id,
                "item_ids": [i.item_id for i in items],
                "payment_method_id": _refund_method(s, order),
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
            arguments = {"order_id": order.order_id, "payment_method_id": method}
            return Step("modify_pending_order_payment", arguments)
        if kind == "cancel":
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
    for item in items:
        wanted = sorted(wanted_variants([item], stock, s.said) - {i.item_id for i in order.items})
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
    tool = (
        "exchange_delivered_order_items"
        if order.status == "delivered"
        else "modify_pending_order_items"
    )
    arguments = {
        "order_id": order.order_id,
        "item_ids": [i.item_id for i in items],
        "new_item_ids": new_ids,
        "payment_method_id": _refund_method(s, order),
    }
    return Step(tool, arguments)


def _pointed_products(s: Situation) -> list[str]:
    return [s.shown.product_of.get(i, i) for i in s.shown.pointed if not i.startswith("#")]


def _lookup(tool: str, then: Handler | None = None) -> Handler:
    """A request answered by one tool the records give every argument of, or the model."""

    def handle(s: Situation) -> Step | None:
        if _ran(s, tool):
            return None
        return then(s) if then is not None else Step(tool)

    return handle


def _search(s: Situation) -> Step | None:
    if _ran(s, "search_products"):
        return None
    earlier = s.facts.search.query if s.facts.search is not None else None
    query = search_query(s.text, earlier, s.names_a_kind)
    return Step("search_products", {"query": query})


def _searched_now(s: Situation) -> bool:
    return "search_products" in s.facts.called_now and s.facts.search is not None


def _product_info(s: Situation) -> Step | None:
    if _ran(s, "get_product"):
        return None
    products = _pointed_products(s)
    if products:
        return Step("get_product", {"product_id": products[0]})
    if not _searched_now(s):
        return _search(s)
    assert s.facts.search is not None
    if not s.facts.search.results:
        return None
    return Step("get_product", {"product_id": s.facts.search.results[0].product_id})


def _similar(s: Situation) -> Step | None:
    if _ran(s, "similar_products"):
        return None
    products = _pointed_products(s) or ids_in("product_id", s.text)
    if not products and not _searched_now(s):
        return _search(s)
    if not products:
        products = _distinct_products(s)[:1]
    return Step("similar_products", {"product_id": products[0]}) if products else None


def _distinct_products(s: Situation) -> list[str]:
    hits = s.facts.search.results if s.facts.search is not None else []
    return list(dict.fromkeys(h.product_id for h in hits))


def _compare(s: Situation) -> Step | None:
    if _ran(s, "compare_products"):
        return None
    pointed = list(dict.fromkeys(i for i in s.shown.pointed if not i.startswith("#")))
    if len(pointed) >= 2:
        return Step("compare_products", {"ids": pointed[:5]})
    if not _searched_now(s):
        return _search(s)
    products = _distinct_products(s)
    if len(products) < 2:
        hits = s.facts.search.results if s.facts.search is not None else []
        products = list(dict.fromkeys(h.item_id for h in hits))
    return Step("compare_products", {"ids": products[:2]}) if len(products) >= 2 else None


def _pointed_item(s: Situation) -> str | None:
    items = [i for i in s.shown.pointed if not i.startswith("#") and i in s.shown.product_of]
    return items[0] if items else None


def _cart_add(s: Situation) -> Step | None:
    lines = quantities(s.text)
    done = s.facts.called_now.count("add_to_cart") + s.facts.failed_now.count("add_to_cart")
    if any(item is not None for item, _ in lines):
        if done >= len(lines):
            return None
        item, count = lines[done]
        return Step("add_to_cart", {"item_id": item, "quantity": count})
    if done:
        return None
    _, count = lines[0]
    item = _pointed_item(s)
    if item is None and _searched_now(s):
        assert s.facts.search is not None
        return _add_found(s.facts.search, count)
    if item is None:
        # "add it", "two of those": the item the last search put first, when the message
        # names no new kind of product or option (else it describes another item: search).
        earlier = s.facts.search
        found = [h.item_id for h in earlier.results if h.available] if earlier else []
        if found and not s.names_a_kind and not s.names_an_option:
            item = found[0]
        else:
            return _search(s)
    return Step("add_to_cart", {"item_id": item, "quantity": count})


def _add_found(search: SearchResults, count: int) -> Step | None:
    """Add what a search just found for the shopper, only when it is exactly that item and
    it can be bought; otherwise say why not."""
    if not search.results:
        return None
    top = search.results[0]
    if search.note:
        return Step(reply="I couldn't find exactly that item, so I haven't added anything.")
    if not top.available:
        options = ", ".join(top.options.values())
        return Step(reply=f"The {top.name} ({options}) is out of stock, so I can't add it.")
    return Step("add_to_cart", {"item_id": top.item_id, "quantity": count})


def _cart_remove(s: Situation) -> Step | None:
    if _ran(s, "remove_from_cart"):
        return None
    if s.facts.cart is None:
        return Step("view_cart", {})
    in_cart = {line.item_id for line in s.facts.cart.items}
    (named, count), *_ = quantities(s.text)
    item = named if named in in_cart else None
    if item is None:
        by_name = [i for _, i in items_named(_as_order_items(s.facts.cart), s.said)]
        item = by_name[0] if by_name else None
    if item is None and len(in_cart) == 1:
        item = next(iter(in_cart))
    if item is None:
        return Step(reply="Which item should I take out of your cart?")
    return Step("remove_from_cart", {"item_id": item, "quantity": count})


def _as_order_items(cart: Cart) -> list[OrderItem]:
    """The cart's lines in the shape items are named in."""
    return [
        OrderItem(
            name=line.name,
            product_id=line.product_id,
            item_id=line.item_id,
            price=line.unit_price,
            options=line.options,
        )
        for line in cart.items
    ]


def _faq(s: Situation) -> Step | None:
    if _ran(s, "answer_faq"):
        return None
    return Step("answer_faq", {"question": s.text})


def _handoff(s: Situation) -> Step | None:
    if _ran(s, "transfer_to_human_agents"):
        return None
    return Step("transfer_to_human_agents", {"summary": s.text})


def _account(s: Situation) -> Step | None:
    if "get_user_details" in s.facts.called_now:
        return None
    return Step("get_user_details", {"user_id": s.session.user_id})


def _user_address(s: Situation) -> Step | None:
    if _ran(s, "modify_user_address"):
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


HANDLERS: dict[str, Handler] = {
    "search": _search,
    "product_info": _product_info,
    "compare": _compare,
    "similar": _similar,
    "recommend": _lookup(
        "recommend_for_user", lambda s: Step("recommend_for_user", {"context": s.text})
    ),
    "cart_add": _cart_add,
    "cart_remove": _cart_remove,
    "cart_view": _lookup("view_cart", lambda s: Step("view_cart", {})),
    "cart_undo": _lookup("undo_cart_change", lambda s: Step("undo_cart_change", {})),
    "faq": _faq,
    "handoff": _handoff,
    "account": _account,
    "user_address": _user_address,
    "copy": _lookup("write_product_copy"),
    "out_of_scope": _out_of_scope,
    "decline": _decline,
    **{kind: _order_request(kind) for kind in ORDER_KINDS},
}


def next_step(s: Situation, available: Sequence[str]) -> Step | None:
    """The next step of the turn, or None when every request is answered (or none is known).

    Args:
        s: The situation.
        available: The tools the engine has (a request whose tool is missing is skipped).
    """
    signing_in = any(k in SIGN_IN_KINDS or k == "identity" for k in s.kinds)
    if signing_in and (step := _identity(s)) is not None:
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
