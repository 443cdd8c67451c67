"""Typed records the store returns: the τ²-bench retail shapes, cart lines, turn logs and
shopper events.

The retail models mirror τ²'s `data_model.py` field for field (names, order, optional fields)
so that `Store.dump_tau2()` has exactly the shape of τ²'s `db.json` and tool results read the
same as τ²'s. Field descriptions are what a model sees when a tool result is explained.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class _Record(BaseModel):
    """Unknown fields are rejected, so typos in loaded data are reported, not dropped."""

    model_config = ConfigDict(extra="forbid")


class Variant(_Record):
    """A specific variant of a product with its options, availability and price."""

    item_id: str = Field(description="Unique identifier for the variant")
    options: dict[str, str] = Field(
        description="Dictionary of option names to values (e.g. {'color': 'blue', 'size': 'large'})"
    )
    available: bool = Field(description="Whether this variant is currently in stock")
    price: float = Field(description="Price of this variant")


class Product(_Record):
    """A product type with its variants."""

    name: str = Field(description="Name of the product")
    product_id: str = Field(description="Unique identifier for the product")
    variants: dict[str, Variant] = Field(description="Dictionary of variants indexed by variant ID")


class UserName(_Record):
    """A user's full name."""

    first_name: str = Field(description="User's first name")
    last_name: str = Field(description="User's last name")


class UserAddress(_Record):
    """A physical address."""

    address1: str = Field(description="Primary address line")
    address2: str = Field(description="Secondary address line")
    city: str = Field(description="City name")
    country: str = Field(description="Country name")
    state: str = Field(description="State or province name")
    zip: str = Field(description="Postal code")


class CreditCard(_Record):
    """A credit card on file."""

    source: Literal["credit_card"] = Field(
        description="Indicates this is a credit card payment method"
    )
    id: str = Field(description="Unique identifier for the payment method")
    brand: str = Field(description="Credit card brand (e.g., visa, mastercard)")
    last_four: str = Field(description="Last four digits of the credit card")


class Paypal(_Record):
    """A PayPal account on file."""

    source: Literal["paypal"] = Field(description="Indicates this is a paypal payment method")
    id: str = Field(description="Unique identifier for the payment method")


class GiftCard(_Record):
    """A gift card with a balance."""

    source: Literal["gift_card"] = Field(description="Indicates this is a gift card payment method")
    id: str = Field(description="Unique identifier for the gift card")
    balance: float = Field(description="Gift card value amount")


PaymentMethod = Annotated[CreditCard | Paypal | GiftCard, Field(discriminator="source")]


class User(_Record):
    """A user with their personal information, payment methods and order history."""

    user_id: str = Field(description="Unique identifier for the user")
    name: UserName = Field(description="User's full name")
    address: UserAddress = Field(description="User's primary address")
    email: str = Field(description="User's email address")
    payment_methods: dict[str, PaymentMethod] = Field(
        description="Dictionary of payment methods indexed by payment method ID"
    )
    orders: list[str] = Field(description="List of order IDs associated with this user")


class OrderFulfillment(_Record):
    """The shipment of some items of an order."""

    tracking_id: list[str] = Field(description="List of tracking IDs for shipments")
    item_ids: list[str] = Field(description="List of item IDs included in this fulfillment")


class OrderItem(_Record):
    """One item of an order."""

    name: str = Field(description="Name of the product")
    product_id: str = Field(description="ID of the product")
    item_id: str = Field(description="ID of the specific variant")
    price: float = Field(description="Price of the item at time of purchase")
    options: dict[str, str] = Field(description="Options selected for this item")


OrderPaymentType = Literal["payment", "refund"]


class OrderPayment(_Record):
    """A payment or refund transaction of an order."""

    transaction_type: OrderPaymentType = Field(
        description="Type of transaction (payment or refund)"
    )
    amount: float = Field(description="Amount of the transaction")
    payment_method_id: str = Field(description="ID of the payment method used")


OrderStatus = Literal[
    "processed",
    "pending",
    "pending (item modified)",
    "delivered",
    "cancelled",
    "exchange requested",
    "return requested",
]

CancelReason = Literal["no longer needed", "ordered by mistake"]


class Order(_Record):
    """An order with its items, status, fulfillment and payment details."""

    order_id: str = Field(description="Unique identifier for the order")
    user_id: str = Field(description="Unique identifier for the user")
    address: UserAddress = Field(description="Address of the user")
    items: list[OrderItem] = Field(description="Items in the order")
    status: OrderStatus = Field(description="Status of the order")
    fulfillments: list[OrderFulfillment] = Field(description="Fulfillments of the order")
    payment_history: list[OrderPayment] = Field(description="Payments of the order")
    cancel_reason: CancelReason | None = Field(
        default=None,
        description="Reason for cancelling the order. "
        "Should be 'no longer needed' or 'ordered by mistake'",
    )
    exchange_items: list[str] | None = Field(default=None, description="Items to be exchanged")
    exchange_new_items: list[str] | None = Field(default=None, description="Items exchanged for")
    exchange_payment_method_id: str | None = Field(
        default=None, description="Payment method ID for the exchange"
    )
    exchange_price_difference: float | None = Field(
        default=None, description="Price difference for the exchange"
    )
    return_items: list[str] | None = Field(default=None, description="Items to be returned")
    return_payment_method_id: str | None = Field(
        default=None, description="Payment method ID for the return"
    )


class RetailData(_Record):
    """The whole retail world, in the shape of τ²'s `db.json`."""

    products: dict[str, Product] = Field(
        description="Dictionary of all products indexed by product ID"
    )
    users: dict[str, User] = Field(description="Dictionary of all users indexed by user ID")
    orders: dict[str, Order] = Field(description="Dictionary of all orders indexed by order ID")


class CartItem(BaseModel):
    """One line of a shopping cart, with the variant's current catalog data."""

    item_id: str = Field(description="ID of the variant in the cart")
    quantity: int = Field(description="How many of this variant are in the cart")
    product_id: str = Field(description="ID of the product the variant belongs to")
    name: str = Field(description="Name of the product")
    options: dict[str, str] = Field(description="Options of this variant")
    unit_price: float = Field(description="Current price of one unit")
    available: bool = Field(description="Whether this variant is currently in stock")


class ToolCallRecord(BaseModel):
    """One tool call made during a turn, with what it returned."""

    name: str = Field(description="Tool name")
    arguments: dict[str, Any] = Field(default_factory=dict, description="Arguments as called")
    result: Any = Field(default=None, description="JSON-serialisable result or error text")
    error: bool = Field(default=False, description="Whether the call failed")
    blocked: str | None = Field(
        default=None, description="Why the policy refused to run the call, when it did"
    )


class TurnRecord(BaseModel):
    """What happened in one dialogue turn: messages, tool calls, timings and token counts."""

    session_id: str = Field(description="Session the turn belongs to")
    turn_index: int | None = Field(
        default=None,
        description="0-based position of the turn in its session; "
        "`Store.log_turn` assigns the next one when left empty",
    )
    user_message: str = Field(description="The shopper's message")
    reply: str = Field(description="The reply shown to the shopper")
    tool_calls: list[ToolCallRecord] = Field(
        default_factory=list, description="Tool calls in the order they ran"
    )
    timings: dict[str, float] = Field(
        default_factory=dict, description="Durations in seconds by phase (e.g. 'llm', 'tools')"
    )
    prompt_tokens: int = Field(default=0, description="Prompt tokens over all LLM calls")
    completion_tokens: int = Field(default=0, description="Completion tokens over all LLM calls")
    grounding_failed: bool = Field(
        default=False,
        description="Whether the model's reply failed the grounding check and was replaced",
    )
    created_at: datetime | None = Field(
        default=None, description="When the turn was logged (UTC); set by the store if empty"
    )


@dataclass
class SessionState:
    """Per-conversation state the policy relies on."""

    session_id: str
    user_id: str | None = None
    """The signed-in shopper, set once by a successful identity lookup."""
    pending_action: dict[str, Any] | None = None
    """A change (`{"name", "arguments"}`) waiting for the shopper's explicit yes."""


class StoredCopy(BaseModel):
    """A product listing kept for the merchant (`copy_drafts`)."""

    draft_id: int
    product_id: str
    request: dict[str, Any] = Field(description="Tone, length, audience and fields asked for.")
    draft: dict[str, Any] = Field(description="Title, short description, bullets, meta.")
    findings: list[dict[str, Any]] = Field(description="Unsupported statements found.")
    passed: bool = Field(description="The faithfulness check found nothing unsupported.")
    attempts: int = Field(description="Completions it took (1: passed first time).")
    status: str = Field(description="`draft`, `approved` or `superseded`.")
    created_at: datetime


EventKind = Literal["impression", "click", "cart_add", "purchase"]
EventSource = Literal["search", "recommendation", "similar", "other"]
EVENT_KINDS: tuple[EventKind, ...] = ("impression", "click", "cart_add", "purchase")
EVENT_SOURCES: tuple[EventSource, ...] = ("search", "recommendation", "similar", "other")


class Event(BaseModel):
    """Something a shopper was shown or did with a product, for the click-through report."""

    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(
        min_length=1, max_length=128, description="The conversation or storefront visit."
    )
    user_id: str | None = Field(
        default=None, max_length=128, description="The signed-in shopper, when known."
    )
    kind: EventKind = Field(
        description="`impression` (shown), `click`, `cart_add` (put in the cart) or `purchase`."
    )
    product_id: str = Field(min_length=1, max_length=128, description="The product.")
    item_id: str | None = Field(
        default=None, max_length=128, description="The variant, when one was shown or chosen."
    )
    source: EventSource = Field(
        default="other",
        description="Where the product was shown: `search`, `recommendation`, `similar` "
        "(products like another) or `other`.",
    )
    query: str | None = Field(
        default=None, max_length=1000, description="The search query, for search results."
    )
    position: int | None = Field(
        default=None, ge=1, description="Place in the list shown, 1 for the first."
    )
    created_at: AwareDatetime | None = Field(
        default=None,
        description="When it happened (with a time zone); the store sets now if empty.",
    )
