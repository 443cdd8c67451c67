"""Customer-service tools that change pending orders and profiles (τ²-bench semantics).

Each tool runs in one store transaction: if any check fails, nothing it touched is kept.
The checks, their order, the messages, the payment/refund records and the gift card balance
arithmetic (including τ²'s rounding) follow τ²-bench retail's `RetailTools` exactly, so τ²'s
tasks replay to the same final state. Session policy (who may call, confirmation) is not
checked here; the dialogue engine enforces it before a tool runs.
"""

from __future__ import annotations

from sqlalchemy import select

from assistant.store.convert import order_of, set_address, user_of
from assistant.store.models import Order, User
from assistant.store.schema import OrderRow
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError, ToolKind
from assistant.tools.retail_base import (
    RETAIL_TOOLS,
    check_items_present,
    get_order_row,
    get_payment_method_row,
    get_user_row,
    is_gift_card,
    new_address,
    price_difference,
    record_payment,
)

CANCEL_REASONS = frozenset({"no longer needed", "ordered by mistake"})


@RETAIL_TOOLS.tool(ToolKind.CHANGE, needs_auth=True, owner="order_id", offered_for=("cancel",))
def cancel_pending_order(ctx: ToolContext, order_id: str, reason: str) -> Order:
    """Cancel a pending order.

    If the order is already processed or delivered, it cannot be cancelled. The agent needs
    to explain the cancellation detail and ask for explicit user confirmation (yes/no) to
    proceed. If the user confirms, the order status will be changed to 'cancelled' and the
    payment will be refunded. The refund will be added to the user's gift card balance
    immediately if the payment was made using a gift card, otherwise the refund would take
    5-7 business days to process. The function returns the order details after the
    cancellation.

    Args:
        order_id: The order id, such as '#W0000000'. Be careful there is a '#' symbol at the
            beginning of the order id.
        reason: The reason for cancellation, which should be either 'no longer needed' or
            'ordered by mistake'.

    Returns:
        The order details after the cancellation.
    """
    with ctx.store.transaction() as s:
        order = get_order_row(s, order_id, lock=True)
        if order.status != "pending":
            raise ToolError("Non-pending order cannot be cancelled")
        if reason not in CANCEL_REASONS:
            raise ToolError("Invalid reason")

        payments = list(order.payments)
        for payment in payments:
            method = get_payment_method_row(s, order.user_id, payment.payment_method_id, lock=True)
            if is_gift_card(method):  # gift cards are refunded immediately
                method.balance = round((method.balance or 0.0) + payment.amount, 2)
        for payment in payments:
            record_payment(order, "refund", payment.amount, payment.payment_method_id)
        order.status = "cancelled"
        order.cancel_reason = reason
        s.flush()
        return order_of(order)


@RETAIL_TOOLS.tool(
    ToolKind.CHANGE, needs_auth=True, owner="order_id", offered_for=("order_address",)
)
def modify_pending_order_address(
    ctx: ToolContext,
    order_id: str,
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,
) -> Order:
    """Modify the shipping address of a pending order.

    The agent needs to explain the modification detail and ask for explicit user
    confirmation (yes/no) to proceed.

    Args:
        order_id: The order id, such as '#W0000000'. Be careful there is a '#' symbol at the
            beginning of the order id.
        address1: The first line of the address, such as '123 Main St'.
        address2: The second line of the address, such as 'Apt 1' or ''.
        city: The city, such as 'San Francisco'.
        state: The state, such as 'CA'.
        country: The country, such as 'USA'.
        zip: The zip code, such as '12345'.

    Returns:
        The order details after the modification.
    """
    with ctx.store.transaction() as s:
        order = get_order_row(s, order_id, lock=True)
        # τ² accepts any pending status here, 'pending (item modified)' included.
        if "pending" not in order.status:
            raise ToolError("Non-pending order cannot be modified")
        set_address(order, new_address(address1, address2, city, state, country, zip))
        s.flush()
        return order_of(order)


@RETAIL_TOOLS.tool(ToolKind.CHANGE, needs_auth=True, owner="order_id", offered_for=("swap",))
def modify_pending_order_items(
    ctx: ToolContext,
    order_id: str,
    item_ids: list[str],
    new_item_ids: list[str],
    payment_method_id: str,
) -> Order:
    """Modify items in a pending order to new items of the same product type.

    For a pending order, this function can only be called once. The agent needs to explain
    the exchange detail and ask for explicit user confirmation (yes/no) to proceed.

    Args:
        order_id: The order id, such as '#W0000000'. Be careful there is a '#' symbol at the
            beginning of the order id.
        item_ids: The item ids to be modified, each such as '1008292230'. There could be
            duplicate items in the list.
        new_item_ids: The item ids to be modified for, each such as '1008292230'. There could
            be duplicate items in the list. Each new item id should match the item id in the
            same position and be of the same product.
        payment_method_id: The payment method id to pay or receive refund for the item price
            difference, such as 'gift_card_0000000' or 'credit_card_0000000'. These can be
            looked up from the user or order details.

    Returns:
        The order details after the modification.
    """
    with ctx.store.transaction() as s:
        order = get_order_row(s, order_id, lock=True)
        if order.status != "pending":
            raise ToolError("Non-pending order cannot be modified")
        check_items_present([i.item_id for i in order.items], item_ids, lambda i: f"{i} not found")
        if len(item_ids) != len(new_item_ids):
            raise ToolError("The number of items to be exchanged should match")

        diff_price, variant = price_difference(
            s, order, item_ids, new_item_ids, same_item_allowed=False
        )
        method = get_payment_method_row(s, order.user_id, payment_method_id, lock=True)
        if is_gift_card(method) and (method.balance or 0.0) < diff_price:
            raise ToolError("Insufficient gift card balance to pay for the new item")

        # τ² does not round the difference here (it does for exchanges).
        record_payment(
            order, "payment" if diff_price > 0 else "refund", abs(diff_price), payment_method_id
        )
        if is_gift_card(method):
            method.balance = round((method.balance or 0.0) - diff_price, 2)

        for item_id, new_item_id in zip(item_ids, new_item_ids, strict=True):
            # Looked up again after each change, so duplicates replace successive items.
            item = next(i for i in order.items if i.item_id == item_id)
            item.item_id = new_item_id
            # τ² copies price and options from the variant checked last, for every item; kept
            # so that τ²'s tasks replay to the same state.
            assert variant is not None
            item.price = variant.price
            item.options = dict(variant.options)
        order.status = "pending (item modified)"
        s.flush()
        return order_of(order)


@RETAIL_TOOLS.tool(ToolKind.CHANGE, needs_auth=True, owner="order_id", offered_for=("payment",))
def modify_pending_order_payment(ctx: ToolContext, order_id: str, payment_method_id: str) -> Order:
    """Modify the payment method of a pending order.

    The agent needs to explain the modification detail and ask for explicit user
    confirmation (yes/no) to proceed.

    Args:
        order_id: The order id, such as '#W0000000'. Be careful there is a '#' symbol at the
            beginning of the order id.
        payment_method_id: The payment method id to pay or receive refund for the item price
            difference, such as 'gift_card_0000000' or 'credit_card_0000000'. These can be
            looked up from the user or order details.

    Returns:
        The order details after the modification.
    """
    with ctx.store.transaction() as s:
        order = get_order_row(s, order_id, lock=True)
        if "pending" not in order.status:
            raise ToolError("Non-pending order cannot be modified")
        method = get_payment_method_row(s, order.user_id, payment_method_id, lock=True)
        if len(order.payments) != 1 or order.payments[0].transaction_type != "payment":
            raise ToolError("There should be exactly one payment for a pending order")
        old_method_id = order.payments[0].payment_method_id
        if old_method_id == payment_method_id:
            raise ToolError("The new payment method should be different from the current one")
        amount = order.payments[0].amount
        if is_gift_card(method) and (method.balance or 0.0) < amount:
            raise ToolError("Insufficient gift card balance to pay for the order")

        record_payment(order, "payment", amount, payment_method_id)
        record_payment(order, "refund", amount, old_method_id)
        if is_gift_card(method):
            method.balance = round((method.balance or 0.0) - amount, 2)
        old_method = get_payment_method_row(s, order.user_id, old_method_id, lock=True)
        if is_gift_card(old_method):
            old_method.balance = round((old_method.balance or 0.0) + amount, 2)
        s.flush()
        return order_of(order)


@RETAIL_TOOLS.tool(ToolKind.CHANGE, needs_auth=True, owner="user_id", offered_for=("user_address",))
def modify_user_address(
    ctx: ToolContext,
    user_id: str,
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,
) -> User:
    """Modify the default address of a user.

    The agent needs to explain the modification detail and ask for explicit user
    confirmation (yes/no) to proceed.

    Args:
        user_id: The user id, such as 'sara_doe_496'.
        address1: The first line of the address, such as '123 Main St'.
        address2: The second line of the address, such as 'Apt 1' or ''.
        city: The city, such as 'San Francisco'.
        state: The state, such as 'CA'.
        country: The country, such as 'USA'.
        zip: The zip code, such as '12345'.

    Returns:
        The user details after the modification.
    """
    with ctx.store.transaction() as s:
        user = get_user_row(s, user_id, lock=True)
        set_address(user, new_address(address1, address2, city, state, country, zip))
        s.flush()
        order_ids = s.scalars(
            select(OrderRow.order_id)
            .where(OrderRow.user_id == user_id)
            .order_by(OrderRow.user_position)
        )
        return user_of(user, list(order_ids))
