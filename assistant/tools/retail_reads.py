"""Customer-service tools that only read: identity look-ups, users, orders, products.

Names, arguments, results and error messages follow τ²-bench retail's `RetailTools`.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from assistant.store.convert import order_of, product_of, user_of
from assistant.store.models import Order, Product, User
from assistant.store.schema import OrderRow, ProductRow, UserRow
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError, ToolKind
from assistant.tools.results import Calculation, ProductTypes, Transfer, UserId
from assistant.tools.retail_base import (
    ACCOUNT_REQUESTS,
    CALCULATOR_CHARACTERS,
    ORDER_REQUESTS,
    RETAIL_TOOLS,
    evaluate_arithmetic,
    get_order_row,
    get_product_row,
    get_user_row,
)


@RETAIL_TOOLS.tool(ToolKind.READ, identifies=True)
def find_user_id_by_email(ctx: ToolContext, email: str) -> UserId:
    """Find user id by email. If the user is not found, the function will return an error message.

    Args:
        email: The email of the user, such as 'something@example.com'.

    Returns:
        The user id if found, otherwise an error message.

    Raises:
        ToolError: If the user is not found.
    """
    with ctx.store.transaction() as s:
        user_id = s.scalar(
            select(UserRow.user_id)
            .where(UserRow.email_key == email.lower())
            .order_by(UserRow.position)
            .limit(1)
        )
    if user_id is None:
        raise ToolError("User not found")
    return UserId(user_id)


@RETAIL_TOOLS.tool(ToolKind.READ, identifies=True)
def find_user_id_by_name_zip(ctx: ToolContext, first_name: str, last_name: str, zip: str) -> UserId:
    """Find user id by first name, last name, and zip code.

    If the user is not found, the function will return an error message. By default, find
    user id by email, and only call this function if the user is not found by email or
    cannot remember email.

    Args:
        first_name: The first name of the customer, such as 'John'.
        last_name: The last name of the customer, such as 'Doe'.
        zip: The zip code of the customer, such as '12345'.

    Returns:
        The user id if found, otherwise an error message.

    Raises:
        ToolError: If the user is not found.
    """
    with ctx.store.transaction() as s:
        user_id = s.scalar(
            select(UserRow.user_id)
            .where(
                UserRow.first_name_key == first_name.lower(),
                UserRow.last_name_key == last_name.lower(),
                UserRow.zip == zip,
            )
            .order_by(UserRow.position)
            .limit(1)
        )
    if user_id is None:
        raise ToolError("User not found")
    return UserId(user_id)


@RETAIL_TOOLS.tool(ToolKind.READ, needs_auth=True, owner="user_id", offered_for=ACCOUNT_REQUESTS)
def get_user_details(ctx: ToolContext, user_id: str) -> User:
    """Get the details of a user, including their orders.

    Args:
        user_id: The user id, such as 'sara_doe_496'.

    Returns:
        The user details.

    Raises:
        ToolError: If the user is not found.
    """
    with ctx.store.transaction() as s:
        row = get_user_row(s, user_id)
        order_ids = s.scalars(
            select(OrderRow.order_id)
            .where(OrderRow.user_id == user_id)
            .order_by(OrderRow.user_position)
        )
        return user_of(row, list(order_ids))


@RETAIL_TOOLS.tool(
    ToolKind.READ, needs_auth=True, owner="order_id", shows=True, offered_for=ORDER_REQUESTS
)
def get_order_details(ctx: ToolContext, order_id: str) -> Order:
    """Get the status and details of an order.

    Args:
        order_id: The order id, such as '#W0000000'. Be careful there is a '#' symbol at the
            beginning of the order id.

    Returns:
        The order details.

    Raises:
        ToolError: If the order is not found.
    """
    with ctx.store.transaction() as s:
        return order_of(get_order_row(s, order_id))


@RETAIL_TOOLS.tool(ToolKind.READ, shows=True, offered_for=("swap", "product_info", "search"))
def get_product_details(ctx: ToolContext, product_id: str) -> Product:
    """Get the inventory details of a product.

    Args:
        product_id: The product id, such as '6086499569'. Be careful the product id is
            different from the item id.

    Returns:
        The product details.

    Raises:
        ToolError: If the product is not found.
    """
    with ctx.store.transaction() as s:
        return product_of(get_product_row(s, product_id))


@RETAIL_TOOLS.tool(ToolKind.READ, offered_for=("search",))
def list_all_product_types(ctx: ToolContext) -> ProductTypes:
    """List the name and product id of all product types.

    Each product type has a variety of different items with unique item ids and options.
    There are only 50 product types in the store.

    Returns:
        A JSON string mapping product names to their product IDs, sorted alphabetically by name.
    """
    with ctx.store.transaction() as s:
        rows = s.execute(
            select(ProductRow.name, ProductRow.product_id).order_by(ProductRow.position)
        )
        # Same as τ²: a later product with the same name wins.
        product_dict = {name: product_id for name, product_id in rows}
    return ProductTypes(json.dumps(product_dict, sort_keys=True))


@RETAIL_TOOLS.tool(ToolKind.READ, offered_for=("swap", "payment"))
def calculate(ctx: ToolContext, expression: str) -> Calculation:
    """Calculate the result of a mathematical expression.

    Args:
        expression: The mathematical expression to calculate, such as '2 + 2'. The expression
            can contain numbers, operators (+, -, *, /), parentheses, and spaces.

    Returns:
        The result of the mathematical expression.

    Raises:
        ToolError: If the expression is invalid.
    """
    if not all(char in CALCULATOR_CHARACTERS for char in expression):
        raise ToolError("Invalid characters in expression")
    return Calculation(str(round(evaluate_arithmetic(expression), 2)))


@RETAIL_TOOLS.tool(ToolKind.READ, offered_for=("handoff",))
def transfer_to_human_agents(ctx: ToolContext, summary: str) -> Transfer:
    """Transfer the user to a human agent, with a summary of the user's issue.

    Only transfer if
     -  the user explicitly asks for a human agent
     -  given the policy and the available tools, you cannot solve the user's issue.

    Args:
        summary: A summary of the user's issue.

    Returns:
        A message indicating the user has been transferred to a human agent.
    """
    return Transfer("Transfer successful")
