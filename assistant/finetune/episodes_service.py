"""Customer-service episodes: order status, cancel, return, exchange, changes, profile.

Every one authenticates first (`identify`), looks the order up before acting on it (the
policy asks to check its status), and calls the write tool once the shopper has stated
everything it needs; the engine then asks for confirmation, and the reply after the
confirmed change reports what the tool returned.
"""

from __future__ import annotations

from typing import Any

from assistant.finetune import answers
from assistant.finetune.oracle import Step
from assistant.finetune.phrasebook import REASONS
from assistant.finetune.scenarios import (
    Conversation,
    Episode,
    Turn,
    answer_with,
    confirm_or_decline,
    give_identity,
    identify,
    ok_data,
    reply,
)


def _lookup(conv: Conversation, order: dict[str, Any]) -> Step:
    return conv.call("get_order_details", order_id=order["order_id"])


def _refused(done: str, needed: str) -> Step:
    return answer_with(
        lambda obs: answers.not_possible(ok_data(obs, "get_order_details"), done, needed)
    )


def _other_status(conv: Conversation, statuses: tuple[str, ...]) -> dict[str, Any] | None:
    for status in conv.rng.sample(statuses, len(statuses)):
        order = conv.fresh_order(status)
        if order is not None:
            return order
    return None


def status(conv: Conversation) -> Episode:
    """Where is my order: with its id, or pick it from the account's order list."""
    order = conv.fresh_order()
    if order is None:
        return
    show = answer_with(lambda obs: answers.order_answer(ok_data(obs, "get_order_details")))
    if conv.rng.random() < 0.3:
        text, family = conv.say("status_noid")
        rest: list[Step] = [
            conv.call("get_user_details", user_id=conv.user_id),
            answer_with(lambda obs: answers.orders_list_answer(ok_data(obs, "get_user_details"))),
        ]
        yield from identify(conv, text, family, "status", rest)
        text, family = conv.say("pick", order_id=order["order_id"])
        yield Turn(text, [_lookup(conv, order), show], "status", family)
        return
    text, family = conv.say("status", order_id=order["order_id"])
    yield from identify(conv, text, family, "status", [_lookup(conv, order), show])


def cancel(conv: Conversation) -> Episode:
    """Cancel a pending order; ask for the reason when it is missing."""
    pending = conv.rng.random() < 0.85
    order = (
        conv.fresh_order("pending") if pending else _other_status(conv, ("processed", "delivered"))
    )
    if order is None:
        return
    oid = order["order_id"]
    reason = conv.rng.choice(("no longer needed", "ordered by mistake"))
    reason_text = conv.rng.choice(REASONS[conv.split][reason])
    stated = conv.rng.random() < 0.6
    do_cancel = conv.call("cancel_pending_order", order_id=oid, reason=reason)
    if stated:
        text, family = conv.say("cancel", order_id=oid, reason=reason_text)
    else:
        text, family = conv.say("cancel_noreason", order_id=oid)
    if not pending:
        rest = [_lookup(conv, order), _refused("cancelled", "pending")]
        yield from identify(conv, text, family, "cancel", rest)
        return
    ask = reply("ask", answers.ASK_REASON.format(order_id=oid))
    rest = [_lookup(conv, order), do_cancel if stated else ask]
    outcome = yield from identify(conv, text, family, "cancel", rest)
    if not stated:
        text, family = conv.say("reason", reason=reason_text)
        outcome = yield Turn(text, [do_cancel], "cancel", family)
    yield from confirm_or_decline(conv, outcome, "cancel_pending_order")


def _unique_items(order: dict[str, Any]) -> list[dict[str, Any]]:
    """Items whose product name appears once in the order (so the name identifies them)."""
    names = [i["name"] for i in order["items"]]
    return [i for i in order["items"] if names.count(i["name"]) == 1]


def _names(conv: Conversation, items: list[dict[str, Any]]) -> str:
    names = [i["name"] if conv.rng.random() < 0.6 else i["name"].lower() for i in items]
    return " and ".join(names)


def _original_payment(order: dict[str, Any]) -> str:
    return str(order["payment_history"][0]["payment_method_id"])


def return_items(conv: Conversation) -> Episode:
    """Return items of a delivered order to the original payment method."""
    delivered = conv.rng.random() < 0.85
    order = (
        conv.fresh_order("delivered")
        if delivered
        else _other_status(conv, ("pending", "processed"))
    )
    if order is None:
        return
    oid = order["order_id"]
    candidates = _unique_items(order)
    if not candidates:
        return
    chosen = conv.rng.sample(
        candidates, 2 if len(candidates) > 1 and conv.rng.random() < 0.3 else 1
    )
    chosen = [i for i in order["items"] if i in chosen]
    do_return = conv.call(
        "return_delivered_order_items",
        order_id=oid,
        item_ids=[i["item_id"] for i in chosen],
        payment_method_id=_original_payment(order),
    )
    stated = conv.rng.random() < 0.7
    items_text = _names(conv, chosen)
    if stated:
        text, family = conv.say("return", order_id=oid, items=items_text)
    else:
        text, family = conv.say("return_noitems", order_id=oid)
    if not delivered:
        rest = [_lookup(conv, order), _refused("returned", "delivered")]
        yield from identify(conv, text, family, "return", rest)
        return
    ask = answer_with(
        lambda obs: answers.ask_items(ok_data(obs, "get_order_details"), "return"), "ask"
    )
    outcome = yield from identify(
        conv, text, family, "return", [_lookup(conv, order), do_return if stated else ask]
    )
    if not stated:
        text, family = conv.say("items", items=items_text)
        outcome = yield Turn(text, [do_return], "return", family)
    yield from confirm_or_decline(conv, outcome, "return_delivered_order_items")


def _swap_option(
    conv: Conversation, order: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], str] | None:
    """An item of the order and an available variant differing in exactly one option."""
    user = conv.world.db["users"][order["user_id"]]
    method = user["payment_methods"].get(_original_payment(order), {})
    balance = method.get("balance") if method.get("source") == "gift_card" else None
    options = []
    for item in _unique_items(order):
        product = conv.world.product(item["product_id"])
        for variant in product["variants"].values():
            changed = [k for k, v in variant["options"].items() if item["options"].get(k) != v]
            too_dear = balance is not None and variant["price"] - item["price"] > balance
            if len(changed) == 1 and variant["available"] and not too_dear:
                options.append((item, variant, variant["options"][changed[0]]))
    return conv.rng.choice(options) if options else None


def exchange(conv: Conversation, *, pending: bool = False) -> Episode:
    """Swap one item for another variant of the same product (delivered: exchange; pending:
    modify items). Looks the product up to find the variant's item id."""
    order = conv.fresh_order("pending" if pending else "delivered")
    if order is None:
        return
    swap = _swap_option(conv, order)
    if swap is None:
        return
    item, variant, value = swap
    name = "modify_pending_order_items" if pending else "exchange_delivered_order_items"
    do_swap = conv.call(
        name,
        order_id=order["order_id"],
        item_ids=[item["item_id"]],
        new_item_ids=[variant["item_id"]],
        payment_method_id=_original_payment(order),
    )
    intent = "modify_items" if pending else "exchange"
    text, family = conv.say(
        intent, order_id=order["order_id"], item=_names(conv, [item]), value=value
    )
    rest = [
        _lookup(conv, order),
        conv.call("get_product_details", product_id=item["product_id"]),
        do_swap,
    ]
    outcome = yield from identify(conv, text, family, intent, rest)
    yield from confirm_or_decline(conv, outcome, name)


def modify_items(conv: Conversation) -> Episode:
    """Change an item of a pending order to another variant."""
    yield from exchange(conv, pending=True)


def _new_address(conv: Conversation) -> tuple[dict[str, str], str]:
    other = conv.rng.choice(conv.world.users)
    while other["user_id"] == conv.user_id:
        other = conv.rng.choice(conv.world.users)
    a = other["address"]
    fields = {
        k: str(a.get(k) or "") for k in ("address1", "address2", "city", "state", "country", "zip")
    }
    second = f"{fields['address2']}, " if fields["address2"] else ""
    text = (
        f"{fields['address1']}, {second}{fields['city']}, {fields['state']} "
        f"{fields['zip']}, {fields['country']}"
    )
    return fields, text


def order_address(conv: Conversation) -> Episode:
    """Ship a pending order elsewhere; ask for the address when it is missing."""
    order = conv.fresh_order("pending")
    if order is None:
        return
    oid = order["order_id"]
    fields, address_text = _new_address(conv)
    do_change = conv.call("modify_pending_order_address", order_id=oid, **fields)
    stated = conv.rng.random() < 0.6
    if stated:
        text, family = conv.say("order_address", order_id=oid, address=address_text)
    else:
        text, family = conv.say("order_address_missing", order_id=oid)
    rest = [_lookup(conv, order), do_change if stated else reply("ask", answers.ASK_ADDRESS)]
    outcome = yield from identify(conv, text, family, "order_address", rest)
    if not stated:
        text, family = conv.say("address_reply", address=address_text)
        outcome = yield Turn(text, [do_change], "order_address", family)
    yield from confirm_or_decline(conv, outcome, "modify_pending_order_address")


def user_address(conv: Conversation) -> Episode:
    """Change the default address on the account (the user id is in the session note)."""
    fields, address_text = _new_address(conv)
    text, family = conv.say("user_address", address=address_text)
    do_change = conv.call("modify_user_address", user_id=conv.user_id, **fields)
    outcome = yield from identify(conv, text, family, "user_address", [do_change])
    yield from confirm_or_decline(conv, outcome, "modify_user_address")


def _describe_method(method: dict[str, Any]) -> str:
    if method["source"] == "paypal":
        return "PayPal"
    if method["source"] == "gift_card":
        return "gift card"
    return f"{method['brand']} card ending in {method['last_four']}"


def payment(conv: Conversation) -> Episode:
    """Pay a pending order with another of the shopper's payment methods."""
    order = conv.fresh_order("pending")
    if order is None or len(order["payment_history"]) != 1:
        return
    amount = order["payment_history"][0]["amount"]
    methods = list(conv.user["payment_methods"].values())
    described = [_describe_method(m) for m in methods]
    candidates = [
        m
        for m, d in zip(methods, described, strict=True)
        if m["id"] != _original_payment(order)
        and described.count(d) == 1
        and (m["source"] != "gift_card" or m.get("balance", 0) >= amount)
    ]
    if not candidates:
        return
    method = conv.rng.choice(candidates)
    text, family = conv.say("payment", order_id=order["order_id"], method=_describe_method(method))
    rest = [
        _lookup(conv, order),
        conv.call("get_user_details", user_id=conv.user_id),
        conv.call(
            "modify_pending_order_payment",
            order_id=order["order_id"],
            payment_method_id=method["id"],
        ),
    ]
    outcome = yield from identify(conv, text, family, "payment", rest)
    yield from confirm_or_decline(conv, outcome, "modify_pending_order_payment")


def profile(conv: Conversation) -> Episode:
    """The shopper's default address or saved payment methods."""
    topic = conv.rng.choice(("address", "payment"))
    text, family = conv.say(f"profile_{topic}")
    rest = [
        conv.call("get_user_details", user_id=conv.user_id),
        answer_with(lambda obs: answers.profile_answer(ok_data(obs, "get_user_details"), topic)),
    ]
    yield from identify(conv, text, family, "profile", rest)


def sign_in(conv: Conversation) -> Episode:
    """The shopper signs in before saying what they want: look them up, ask how to help.

    The dialogue's later requests come from an authenticated shopper, who must not be asked
    to sign in again.
    """
    if conv.authenticated:
        return
    text, family, call = give_identity(conv, use_email=conv.rng.random() < 0.6)
    yield Turn(text, [call, reply("chat", answers.SIGNED_IN)], "sign_in", family)
    conv.authenticated = True
