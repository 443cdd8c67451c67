"""SQL tables of the store, as SQLAlchemy 2.0 typed ORM classes.

Portable by construction: only generic types (`String`, `Float`, `Boolean`, `DateTime`,
`sqlalchemy.JSON`), so the same metadata creates the schema on SQLite and PostgreSQL.
`position` columns keep the order the data was loaded in, because τ²'s lookups return the
first match in insertion order and `dump_tau2` must reproduce the original ordering.
Lower-cased lookup keys are computed in Python (`str.lower`), so name and e-mail matching is
the same on every backend (SQL `lower()` differs between databases for non-ASCII text).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# `none_as_null` stores Python None as SQL NULL instead of the JSON literal 'null'.
NullableJSON = JSON(none_as_null=True)

ID = String(128)


class Base(DeclarativeBase):
    """Declarative base of every store table."""


class ProductRow(Base):
    """A product type (τ² `Product`)."""

    __tablename__ = "products"

    product_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, index=True)

    variants: Mapped[list[VariantRow]] = relationship(
        back_populates="product",
        order_by="VariantRow.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    details: Mapped[ProductDetailsRow | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class ProductDetailsRow(Base):
    """What the catalog holds about a product beyond τ²'s name and variants: its kind,
    brand, copy, tags, image and variant SKUs. Search is indexed from these and the rows
    above; a product without details (a τ² world loaded alone) is its own kind."""

    __tablename__ = "product_details"

    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.product_id", ondelete="CASCADE"), primary_key=True
    )
    product_type: Mapped[str] = mapped_column(String(255))
    brand: Mapped[str | None] = mapped_column(String(255), nullable=True)
    description: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON)
    image_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    skus: Mapped[dict[str, str]] = mapped_column(JSON)
    """Item id to the merchant's SKU, for the items that have one."""


class VariantRow(Base):
    """One purchasable variant of a product (τ² `Variant`); item ids are unique store-wide."""

    __tablename__ = "variants"

    item_id: Mapped[str] = mapped_column(ID, primary_key=True)
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.product_id", ondelete="CASCADE"), index=True
    )
    options: Mapped[dict[str, str]] = mapped_column(JSON)
    available: Mapped[bool] = mapped_column(Boolean)
    price: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer)

    product: Mapped[ProductRow] = relationship(back_populates="variants")


class UserRow(Base):
    """A customer (τ² `User`); their order ids come from `orders.user_position`."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_name_zip", "last_name_key", "first_name_key", "zip"),)

    user_id: Mapped[str] = mapped_column(ID, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(255))
    last_name: Mapped[str] = mapped_column(String(255))
    first_name_key: Mapped[str] = mapped_column(String(255))
    last_name_key: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320), index=True)
    address1: Mapped[str] = mapped_column(String(255))
    address2: Mapped[str] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(255))
    country: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(255))
    zip: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, index=True)

    payment_methods: Mapped[list[PaymentMethodRow]] = relationship(
        order_by="PaymentMethodRow.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class PaymentMethodRow(Base):
    """A credit card, PayPal account or gift card of a user."""

    __tablename__ = "payment_methods"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
    )
    payment_method_id: Mapped[str] = mapped_column(ID, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    brand: Mapped[str | None] = mapped_column(String(64))
    last_four: Mapped[str | None] = mapped_column(String(8))
    balance: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer)


class OrderRow(Base):
    """An order (τ² `Order`) with its shipping address inline."""

    __tablename__ = "orders"

    order_id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), index=True)
    address1: Mapped[str] = mapped_column(String(255))
    address2: Mapped[str] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(255))
    country: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(255))
    zip: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(64))
    exchange_items: Mapped[list[str] | None] = mapped_column(NullableJSON)
    exchange_new_items: Mapped[list[str] | None] = mapped_column(NullableJSON)
    exchange_payment_method_id: Mapped[str | None] = mapped_column(ID)
    exchange_price_difference: Mapped[float | None] = mapped_column(Float)
    return_items: Mapped[list[str] | None] = mapped_column(NullableJSON)
    return_payment_method_id: Mapped[str | None] = mapped_column(ID)
    position: Mapped[int] = mapped_column(Integer, index=True)
    user_position: Mapped[int] = mapped_column(Integer)
    """Index of this order in its user's `orders` list."""

    items: Mapped[list[OrderItemRow]] = relationship(
        order_by="OrderItemRow.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    fulfillments: Mapped[list[FulfillmentRow]] = relationship(
        order_by="FulfillmentRow.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    payments: Mapped[list[PaymentRow]] = relationship(
        order_by="PaymentRow.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class OrderItemRow(Base):
    """One item of an order, with the price and options at the time of purchase."""

    __tablename__ = "order_items"

    order_id: Mapped[str] = mapped_column(
        ForeignKey("orders.order_id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    product_id: Mapped[str] = mapped_column(ID)
    item_id: Mapped[str] = mapped_column(ID, index=True)
    price: Mapped[float] = mapped_column(Float)
    options: Mapped[dict[str, str]] = mapped_column(JSON)


class FulfillmentRow(Base):
    """One shipment of an order."""

    __tablename__ = "order_fulfillments"

    order_id: Mapped[str] = mapped_column(
        ForeignKey("orders.order_id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_ids: Mapped[list[str]] = mapped_column(JSON)
    item_ids: Mapped[list[str]] = mapped_column(JSON)


class PaymentRow(Base):
    """One payment or refund of an order, in the order they happened."""

    __tablename__ = "order_payments"

    order_id: Mapped[str] = mapped_column(
        ForeignKey("orders.order_id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_type: Mapped[str] = mapped_column(String(16))
    amount: Mapped[float] = mapped_column(Float)
    payment_method_id: Mapped[str] = mapped_column(ID)


class CartItemRow(Base):
    """A line of a session's shopping cart.

    No foreign key to `variants`: reloading the catalog would otherwise wipe every cart;
    `load_tau2` drops only the lines whose item left the catalog.
    """

    __tablename__ = "cart_items"

    session_id: Mapped[str] = mapped_column(ID, primary_key=True)
    item_id: Mapped[str] = mapped_column(ID, primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class CartUndoRow(Base):
    """The cart of a session as it was before one change, so the change can be undone."""

    __tablename__ = "cart_undo"

    session_id: Mapped[str] = mapped_column(ID, primary_key=True)
    step: Mapped[int] = mapped_column(Integer, primary_key=True)
    lines: Mapped[list[list[Any]]] = mapped_column(JSON)
    """`[item_id, quantity, position]` per line."""


class SessionRow(Base):
    """A conversation: who is authenticated and which write waits for confirmation."""

    __tablename__ = "sessions"

    session_id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str | None] = mapped_column(ID)
    pending_action: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionOwnerRow(Base):
    """Who may use a session: a digest of the credential (or session secret) that opened it.

    A table of its own rather than a column on `sessions`, so `create_all` adds it to an
    existing database. Rows outlive the session they bind: the turn log of a deleted session
    is kept, and a different caller must not reopen the id and read that history.
    """

    __tablename__ = "session_owners"

    session_id: Mapped[str] = mapped_column(ID, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TurnRow(Base):
    """The log of one dialogue turn."""

    __tablename__ = "turn_logs"
    __table_args__ = (UniqueConstraint("session_id", "turn_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ID, index=True)
    turn_index: Mapped[int] = mapped_column(Integer)
    user_message: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text)
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    timings: Mapped[dict[str, float]] = mapped_column(JSON)
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    grounding_failed: Mapped[bool] = mapped_column(Boolean, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CopyDraftRow(Base):
    """A product listing written for the merchant: a draft until they approve it."""

    __tablename__ = "copy_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    product_id: Mapped[str] = mapped_column(ID, index=True)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Tone, length, audience and fields asked for."""
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Title, short description, bullets and meta description."""
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """What the faithfulness check found unsupported (empty when it passed)."""
    passed: Mapped[bool] = mapped_column(Boolean)
    attempts: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    """`draft`, `approved` or `superseded` (another draft of the product was approved)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class VerificationRow(Base):
    """A one-time code sent for a session (`verify` identity mode): only its hash is kept."""

    __tablename__ = "verifications"

    session_id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tries: Mapped[int] = mapped_column(Integer, default=0)


class EventRow(Base):
    """Something a shopper was shown or did with a product: the click-through log."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_source_kind", "source", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ID, index=True)
    user_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    kind: Mapped[str] = mapped_column(String(16))
    """`impression`, `click`, `cart_add` or `purchase`."""
    item_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    product_id: Mapped[str] = mapped_column(ID)
    source: Mapped[str] = mapped_column(String(16))
    """Where the product was shown: `search`, `recommendation`, `similar` or `other`."""
    query: Mapped[str | None] = mapped_column(Text, nullable=True)
    position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
