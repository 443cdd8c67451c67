"""Conversions between store rows and the τ²-shaped pydantic records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.store.models import (
    CreditCard,
    GiftCard,
    Order,
    OrderFulfillment,
    OrderItem,
    OrderPayment,
    PaymentMethod,
    Paypal,
    Product,
    User,
    UserAddress,
    UserName,
    Variant,
)
from assistant.store.schema import (
    OrderRow,
    PaymentMethodRow,
    ProductRow,
    UserRow,
    VariantRow,
)

ADDRESS_FIELDS = ("address1", "address2", "city", "country", "state", "zip")


def address_of(row: UserRow | OrderRow) -> UserAddress:
    """The address stored inline in a user or order row."""
    return UserAddress(**{name: getattr(row, name) for name in ADDRESS_FIELDS})


def set_address(row: UserRow | OrderRow, address: UserAddress) -> None:
    """Write `address` into the inline address columns of a user or order row."""
    for name in ADDRESS_FIELDS:
        setattr(row, name, getattr(address, name))


def address_columns(address: UserAddress) -> dict[str, str]:
    """Address columns for a bulk insert."""
    return {name: getattr(address, name) for name in ADDRESS_FIELDS}


def variant_of(row: VariantRow) -> Variant:
    """The τ² `Variant` of a variant row."""
    return Variant(
        item_id=row.item_id, options=dict(row.options), available=row.available, price=row.price
    )


def product_of(row: ProductRow) -> Product:
    """The τ² `Product` of a product row, variants in catalog order."""
    return Product(
        name=row.name,
        product_id=row.product_id,
        variants={v.item_id: variant_of(v) for v in row.variants},
    )


def payment_method_of(row: PaymentMethodRow) -> PaymentMethod:
    """The τ² payment method (credit card, PayPal or gift card) of a row."""
    if row.source == "gift_card":
        return GiftCard(source="gift_card", id=row.payment_method_id, balance=row.balance or 0.0)
    if row.source == "credit_card":
        return CreditCard(
            source="credit_card",
            id=row.payment_method_id,
            brand=row.brand or "",
            last_four=row.last_four or "",
        )
    return Paypal(source="paypal", id=row.payment_method_id)


def payment_method_columns(method: PaymentMethod) -> dict[str, Any]:
    """Columns of a payment method for a bulk insert (without user id and position)."""
    return {
        "payment_method_id": method.id,
        "source": method.source,
        "brand": method.brand if isinstance(method, CreditCard) else None,
        "last_four": method.last_four if isinstance(method, CreditCard) else None,
        "balance": method.balance if isinstance(method, GiftCard) else None,
    }


def user_of(row: UserRow, order_ids: Sequence[str]) -> User:
    """The τ² `User` of a row; `order_ids` in the user's order."""
    return User(
        user_id=row.user_id,
        name=UserName(first_name=row.first_name, last_name=row.last_name),
        address=address_of(row),
        email=row.email,
        payment_methods={pm.payment_method_id: payment_method_of(pm) for pm in row.payment_methods},
        orders=list(order_ids),
    )


def user_columns(user: User) -> dict[str, Any]:
    """Columns of a user for a bulk insert (without position)."""
    return {
        "user_id": user.user_id,
        "first_name": user.name.first_name,
        "last_name": user.name.last_name,
        "first_name_key": user.name.first_name.lower(),
        "last_name_key": user.name.last_name.lower(),
        "email": user.email,
        "email_key": user.email.lower(),
        **address_columns(user.address),
    }


def order_of(row: OrderRow) -> Order:
    """The τ² `Order` of an order row with its items, fulfillments and payments."""
    return Order(
        order_id=row.order_id,
        user_id=row.user_id,
        address=address_of(row),
        items=[
            OrderItem(
                name=i.name,
                product_id=i.product_id,
                item_id=i.item_id,
                price=i.price,
                options=dict(i.options),
            )
            for i in row.items
        ],
        status=row.status,
        fulfillments=[
            OrderFulfillment(tracking_id=list(f.tracking_ids), item_ids=list(f.item_ids))
            for f in row.fulfillments
        ],
        payment_history=[
            OrderPayment(
                transaction_type=p.transaction_type,
                amount=p.amount,
                payment_method_id=p.payment_method_id,
            )
            for p in row.payments
        ],
        cancel_reason=row.cancel_reason,
        exchange_items=_copy(row.exchange_items),
        exchange_new_items=_copy(row.exchange_new_items),
        exchange_payment_method_id=row.exchange_payment_method_id,
        exchange_price_difference=row.exchange_price_difference,
        return_items=_copy(row.return_items),
        return_payment_method_id=row.return_payment_method_id,
    )


def order_columns(order: Order) -> dict[str, Any]:
    """Columns of an order for a bulk insert (without positions)."""
    return {
        "order_id": order.order_id,
        "user_id": order.user_id,
        **address_columns(order.address),
        "status": order.status,
        "cancel_reason": order.cancel_reason,
        "exchange_items": order.exchange_items,
        "exchange_new_items": order.exchange_new_items,
        "exchange_payment_method_id": order.exchange_payment_method_id,
        "exchange_price_difference": order.exchange_price_difference,
        "return_items": order.return_items,
        "return_payment_method_id": order.return_payment_method_id,
    }


def _copy(values: list[str] | None) -> list[str] | None:
    return None if values is None else list(values)
