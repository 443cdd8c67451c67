"""Shared parts of the customer-service tools: the registry and the τ² look-ups.

The look-ups raise `ToolError` with exactly τ²-bench's messages ("Order not found", ...), so
a model trained or evaluated on τ² sees the same errors here.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

from sqlalchemy.orm import Session

from assistant.store.models import UserAddress
from assistant.store.schema import (
    OrderRow,
    PaymentMethodRow,
    PaymentRow,
    ProductRow,
    UserRow,
    VariantRow,
)
from assistant.tools.registry import ToolError, ToolRegistry

RETAIL_TOOLS = ToolRegistry()
"""The τ²-retail customer-service tools, in τ²'s names and semantics."""

ORDER_REQUESTS = ("order_status", "cancel", "return", "swap", "order_address", "payment")
"""Request kinds about one of the shopper's orders: they need the order looked up."""
ACCOUNT_REQUESTS = (*ORDER_REQUESTS, "account", "user_address")
"""Request kinds that need the shopper's profile (its orders, addresses, payment methods)."""


def get_order_row(s: Session, order_id: str, *, lock: bool = False) -> OrderRow:
    """The order row; `lock` takes a row lock for read-modify-write (PostgreSQL)."""
    row = s.get(OrderRow, order_id, with_for_update=lock or None)
    if row is None:
        raise ToolError("Order not found")
    return row


def get_user_row(s: Session, user_id: str, *, lock: bool = False) -> UserRow:
    """The user row."""
    row = s.get(UserRow, user_id, with_for_update=lock or None)
    if row is None:
        raise ToolError("User not found")
    return row


def get_product_row(s: Session, product_id: str) -> ProductRow:
    """The product row."""
    row = s.get(ProductRow, product_id)
    if row is None:
        raise ToolError("Product not found")
    return row


def get_variant_row(s: Session, product_id: str, item_id: str) -> VariantRow:
    """A variant of the given product (τ² looks variants up inside their product)."""
    get_product_row(s, product_id)
    row = s.get(VariantRow, item_id)
    if row is None or row.product_id != product_id:
        raise ToolError("Variant not found")
    return row


def get_payment_method_row(
    s: Session, user_id: str, payment_method_id: str, *, lock: bool = False
) -> PaymentMethodRow:
    """A payment method of the user; the user must exist first, as in τ²."""
    get_user_row(s, user_id)
    row = s.get(PaymentMethodRow, (user_id, payment_method_id), with_for_update=lock or None)
    if row is None:
        raise ToolError("Payment method not found")
    return row


def is_gift_card(method: PaymentMethodRow) -> bool:
    """Gift cards carry a balance that refunds and payments change immediately."""
    return method.source == "gift_card"


def check_items_present(
    ordered: list[str], requested: list[str], message: Callable[[str], str]
) -> None:
    """Raise `message(item_id)` when an item is requested more often than it was ordered."""
    for item_id in requested:
        if requested.count(item_id) > ordered.count(item_id):
            raise ToolError(message(item_id))


def price_difference(
    s: Session,
    order: OrderRow,
    item_ids: list[str],
    new_item_ids: list[str],
    *,
    same_item_allowed: bool,
) -> tuple[float, VariantRow | None]:
    """What swapping `item_ids` for `new_item_ids` costs, and the variant checked last.

    Each new item must be an available variant of the old item's product; τ²'s messages.
    τ²'s item change refuses a swap for the same item, its exchange does not check.
    """
    difference: float = 0
    variant = None
    for item_id, new_item_id in zip(item_ids, new_item_ids, strict=True):
        if not same_item_allowed and item_id == new_item_id:
            raise ToolError("The new item id should be different from the old item id")
        item = next((i for i in order.items if i.item_id == item_id), None)
        if item is None:
            raise ToolError(f"Item {item_id} not found")
        variant = get_variant_row(s, item.product_id, new_item_id)
        if not variant.available:
            raise ToolError(f"New item {new_item_id} not found or available")
        difference += variant.price - item.price
    return difference, variant


def record_payment(order: OrderRow, kind: str, amount: float, payment_method_id: str) -> None:
    """Append a payment or refund to the order's payment history."""
    order.payments.append(
        PaymentRow(
            position=len(order.payments),
            transaction_type=kind,
            amount=float(amount),
            payment_method_id=payment_method_id,
        )
    )


def new_address(
    address1: str, address2: str, city: str, state: str, country: str, zip: str
) -> UserAddress:
    """The address τ²'s address tools take as six arguments."""
    return UserAddress(
        address1=address1, address2=address2, city=city, state=state, country=country, zip=zip
    )


# -- arithmetic for `calculate` ---------------------------------------------------------

CALCULATOR_CHARACTERS = frozenset("0123456789+-*/(). ")
_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
# τ²'s characters allow `**`; a bound keeps `9**9**9` from hanging the server.
_MAX_EXPONENT = 1000


def evaluate_arithmetic(expression: str) -> float:
    """Evaluate + - * / // ** and parentheses over numbers, with Python's semantics.

    Equivalent to τ²'s `eval` restricted to the same characters, without running `eval`.
    """
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as err:
        raise ToolError(f"Invalid expression: {err.msg}") from None
    try:
        return float(_evaluate(tree.body))
    except ZeroDivisionError:
        raise ToolError("division by zero") from None
    except OverflowError:
        raise ToolError("Result too large") from None
    except TypeError:
        # e.g. a negative number to a fractional power is complex in Python
        raise ToolError("Result is not a real number") from None


def _evaluate(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if isinstance(node.value, bool):
            raise ToolError("Invalid expression")
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and (
            abs(right) > _MAX_EXPONENT or (isinstance(left, int) and left.bit_length() > 2048)
        ):
            raise OverflowError
        return _BINARY[type(node.op)](left, right)
    raise ToolError("Invalid expression")
