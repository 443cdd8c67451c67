"""Customer-service tools for delivered orders: return and exchange (τ²-bench semantics).

Both only record the request (status, items, payment method); τ² moves no money until the
goods come back. Checks, their order and messages follow τ²-bench retail's `RetailTools`;
each tool runs in one store transaction.
"""

from __future__ import annotations

from assistant.store.convert import order_of
from assistant.store.models import Order
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError, ToolKind
from assistant.tools.retail_base import (
    RETAIL_TOOLS,
    check_items_present,
    get_order_row,
    get_payment_method_row,
    is_gift_card,
    price_difference,
)


@RETAIL_TOOLS.tool(ToolKind.CHANGE, needs_auth=True, owner="order_id", offered_for=("swap",))
def exchange_delivered_order_items(
    ctx: ToolContext,
    order_id: str,
    item_ids: list[str],
    new_item_ids: list[str],
    payment_method_id: str,
) -> Order:
    """Exchange items in a delivered order to new items of the same product type.

    For a delivered order, return or exchange can be only done once by the agent. The agent
    needs to explain the exchange detail and ask for explicit user confirmation (yes/no) to
    proceed.

    Args:
        order_id: The order id, such as '#W0000000'. Be careful there is a '#' symbol at the
            beginning of the order id.
        item_ids: The item ids to be exchanged, each such as '1008292230'. There could be
            duplicate items in the list.
        new_item_ids: The item ids to be exchanged for, each such as '1008292230'. There could
            be duplicate items in the list. Each new item id should match the item id in the
            same position and be of the same product.
        payment_method_id: The payment method id to pay or receive refund for the item price
            difference, such as 'gift_card_0000000' or 'credit_card_0000000'. These can be
            looked up from the user or order details.

    Returns:
        The order details after the exchange.
    """
    with ctx.store.transaction() as s:
        order = get_order_row(s, order_id, lock=True)
        if order.status != "delivered":
            raise ToolError("Non-delivered order cannot be exchanged")
        check_items_present(
            [i.item_id for i in order.items], item_ids, lambda i: f"Number of {i} not found."
        )
        if len(item_ids) != len(new_item_ids):
            raise ToolError("The number of items to be exchanged should match.")

        difference, _ = price_difference(s, order, item_ids, new_item_ids, same_item_allowed=True)
        diff_price = round(difference, 2)

        method = get_payment_method_row(s, order.user_id, payment_method_id, lock=True)
        if is_gift_card(method) and (method.balance or 0.0) < diff_price:
            raise ToolError("Insufficient gift card balance to pay for the price difference")

        order.status = "exchange requested"
        order.exchange_items = sorted(item_ids)
        order.exchange_new_items = sorted(new_item_ids)
        order.exchange_payment_method_id = payment_method_id
        order.exchange_price_difference = float(diff_price)
        s.flush()
        return order_of(order)


@RETAIL_TOOLS.tool(ToolKind.CHANGE, needs_auth=True, owner="order_id", offered_for=("return",))
def return_delivered_order_items(
    ctx: ToolContext, order_id: str, item_ids: list[str], payment_method_id: str
) -> Order:
    """Return some items of a delivered order.

    The order status will be changed to 'return requested'. The agent needs to explain the
    return detail and ask for explicit user confirmation (yes/no) to proceed. The user will
    receive follow-up email for how and where to return the item.

    Args:
        order_id: The order id, such as '#W0000000'. Be careful there is a '#' symbol at the
            beginning of the order id.
        item_ids: The item ids to be returned, each such as '1008292230'. There could be
            duplicate items in the list.
        payment_method_id: The payment method id to pay or receive refund for the item price
            difference, such as 'gift_card_0000000' or 'credit_card_0000000'. These can be
            looked up from the user or order details.

    Returns:
        The order details after requesting the return.
    """
    with ctx.store.transaction() as s:
        order = get_order_row(s, order_id, lock=True)
        if order.status != "delivered":
            raise ToolError("Non-delivered order cannot be returned")
        method = get_payment_method_row(s, order.user_id, payment_method_id)
        original = order.payments[0].payment_method_id if order.payments else None
        if not is_gift_card(method) and payment_method_id != original:
            raise ToolError("Payment method should be the original payment method")
        check_items_present(
            [i.item_id for i in order.items], item_ids, lambda _item: "Some item not found"
        )
        order.status = "return requested"
        order.return_items = sorted(item_ids)
        order.return_payment_method_id = payment_method_id
        s.flush()
        return order_of(order)
