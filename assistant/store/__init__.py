"""The store: products, users, orders, carts, sessions and turn logs in one SQL database.

SQLAlchemy 2.0 over a SQLite file by default; a PostgreSQL URL works unchanged (only
portable SQL and `sqlalchemy.JSON` columns are used). Every method runs in a transaction;
`Store.transaction()` groups several changes so that a failure leaves nothing half-written.

Public API (`from assistant.store import Store`):

- `Store(url)`, `Store.from_settings()`, `create_all()`, `close()`
- `transaction()` → context manager yielding a SQLAlchemy `Session`; commits on success,
  rolls back on an exception; nested calls join the outer transaction.
- Retail world (τ²-bench shapes, pydantic records from `assistant.store.models`):
  `load_tau2(db: dict)` replaces products/users/orders (validated, `StoreError` on bad data);
  `dump_tau2() -> dict` in exactly the shape of τ²'s `db.json`; `user_ids()`;
  `user(user_id) -> User | None`; `order(order_id) -> Order | None`;
  `user_orders(user_id) -> list[Order]`; `product(product_id) -> Product | None`;
  `products() -> list[Product]`; `variant(item_id) -> Variant | None`;
  `product_for_item(item_id) -> Product | None`.
- Sessions: `load_session(session_id) -> SessionState | None`, `save_session(state)`,
  `delete_session(session_id) -> bool` (also empties the cart; turn logs are kept),
  `session_times(session_id) -> (created, updated) | None`.
- Carts: `cart_items(session_id) -> list[CartItem]`,
  `cart_add(session_id, item_id, quantity=1) -> list[CartItem]`,
  `cart_remove(session_id, item_id, quantity=None) -> list[CartItem]`,
  `cart_clear(session_id) -> int`. Unknown, out-of-stock or absent items raise `StoreError`.
- Turn logs: `log_turn(TurnRecord) -> TurnRecord` (fills `turn_index`, `created_at`),
  `turns(session_id) -> list[TurnRecord]`, `grounding_failures(session_id=None) -> int`.
- Shopper events (impressions, clicks, cart adds, purchases by source):
  `record_events(list[Event]) -> int` (all checked first, `StoreError` on a bad one),
  `events(session_id=None, since=None) -> list[Event]`.

A database that cannot be reached raises `StoreUnavailableError` (the unit of work is rolled
back); adapters answer it as "the store is unavailable".

The ORM tables (`assistant.store.schema`) are for code that changes retail rows inside a
transaction, such as the customer-service tools.
"""

from assistant.store.errors import StoreError, StoreUnavailableError
from assistant.store.models import (
    CartItem,
    CreditCard,
    Event,
    GiftCard,
    Order,
    OrderFulfillment,
    OrderItem,
    OrderPayment,
    PaymentMethod,
    Paypal,
    Product,
    RetailData,
    ToolCallRecord,
    TurnRecord,
    User,
    UserAddress,
    UserName,
    Variant,
)
from assistant.store.store import Store

__all__ = [
    "CartItem",
    "CreditCard",
    "Event",
    "GiftCard",
    "Order",
    "OrderFulfillment",
    "OrderItem",
    "OrderPayment",
    "PaymentMethod",
    "Paypal",
    "Product",
    "RetailData",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "ToolCallRecord",
    "TurnRecord",
    "User",
    "UserAddress",
    "UserName",
    "Variant",
]
