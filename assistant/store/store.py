"""The `Store`: one SQL database behind every piece of state shopassist keeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from assistant.store.convert import order_of, product_of, user_of, variant_of
from assistant.store.errors import StoreError
from assistant.store.models import CartItem, Order, Product, TurnRecord, User, Variant
from assistant.store.schema import (
    Base,
    CartItemRow,
    OrderRow,
    ProductRow,
    SessionRow,
    TurnRow,
    UserRow,
    VariantRow,
)
from assistant.store.tau2_io import dump_retail, load_retail, validate_retail
from assistant.tools.context import SessionState


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything the store writes is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_engine(url: str, echo: bool) -> Engine:
    parsed = make_url(url)
    memory = parsed.database in (None, "", ":memory:")
    if memory:
        # One shared connection, or every pooled connection would see its own empty database.
        engine = create_engine(
            url,
            echo=echo,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
    else:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module, whose deferred BEGIN lets
        # reads run outside the transaction (lost updates on gift card balances).
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: read-modify-write is serialised.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Store:
    """Products, users, orders, carts, sessions and turn logs in one SQL database.

    Args:
        url: SQLAlchemy URL, e.g. `sqlite:///path/store.sqlite` or
            `postgresql+psycopg://user:pw@host/db`.
        echo: Log every SQL statement.
        now: The clock used for timestamps (tests pass a fixed one).
    """

    def __init__(
        self, url: str, *, echo: bool = False, now: Callable[[], datetime] = _utc_now
    ) -> None:
        self.url = url
        if make_url(url).get_backend_name() == "sqlite":
            self.engine = _sqlite_engine(url, echo)
        else:
            self.engine = create_engine(url, echo=echo, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._active: ContextVar[Session | None] = ContextVar(f"store-{id(self)}", default=None)
        self._now = now

    @classmethod
    def from_settings(cls, settings: Any | None = None) -> Store:
        """The store at `settings.sqlalchemy_url`, tables created when missing."""
        if settings is None:
            from assistant.settings import get_settings

            settings = get_settings()
        store = cls(settings.sqlalchemy_url)
        store.create_all()
        return store

    def create_all(self) -> None:
        """Create the tables that do not exist yet (existing data is kept)."""
        Base.metadata.create_all(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back if it raises.

        Nested calls (a tool calling a store method) join the outermost transaction, so the
        whole unit commits or rolls back together.
        """
        current = self._active.get()
        if current is not None:
            yield current
            return
        with self._sessions.begin() as session:
            token = self._active.set(session)
            try:
                yield session
            finally:
                self._active.reset(token)

    # -- the retail world -------------------------------------------------------------

    def load_tau2(self, db: dict[str, Any]) -> None:
        """Replace products, users and orders with a τ² retail database (`db.json` shape).

        The data is validated first (`StoreError` says what is wrong and where); sessions and
        turn logs are kept, cart lines whose item is gone from the catalog are dropped.
        """
        data = validate_retail(db)
        with self.transaction() as s:
            load_retail(s, data)

    def dump_tau2(self) -> dict[str, Any]:
        """Products, users and orders exactly in the shape of τ²'s `db.json`.

        Optional order fields that are unset are left out, as in the shipped `db.json`.
        """
        with self.transaction() as s:
            return dump_retail(s)

    def user_ids(self) -> list[str]:
        """All user ids in load order."""
        with self.transaction() as s:
            return list(s.scalars(select(UserRow.user_id).order_by(UserRow.position)))

    def user(self, user_id: str) -> User | None:
        """A user's profile, payment methods and order ids, or None."""
        with self.transaction() as s:
            row = s.get(UserRow, user_id)
            if row is None:
                return None
            order_ids = s.scalars(
                select(OrderRow.order_id)
                .where(OrderRow.user_id == user_id)
                .order_by(OrderRow.user_position)
            )
            return user_of(row, list(order_ids))

    def order(self, order_id: str) -> Order | None:
        """An order with items, fulfillments and payments, or None."""
        with self.transaction() as s:
            row = s.get(OrderRow, order_id)
            return None if row is None else order_of(row)

    def user_orders(self, user_id: str) -> list[Order]:
        """A user's orders in the order of their profile's order list."""
        with self.transaction() as s:
            rows = s.scalars(
                select(OrderRow).where(OrderRow.user_id == user_id).order_by(OrderRow.user_position)
            )
            return [order_of(r) for r in rows]

    def product(self, product_id: str) -> Product | None:
        """A product with all its variants, or None."""
        with self.transaction() as s:
            row = s.get(ProductRow, product_id)
            return None if row is None else product_of(row)

    def products(self) -> list[Product]:
        """Every product with its variants, in catalog order."""
        with self.transaction() as s:
            rows = s.scalars(select(ProductRow).order_by(ProductRow.position))
            return [product_of(r) for r in rows]

    def variant(self, item_id: str) -> Variant | None:
        """One variant by item id, or None."""
        with self.transaction() as s:
            row = s.get(VariantRow, item_id)
            return None if row is None else variant_of(row)

    def product_for_item(self, item_id: str) -> Product | None:
        """The product an item id belongs to, or None."""
        with self.transaction() as s:
            row = s.get(VariantRow, item_id)
            return None if row is None else product_of(row.product)

    # -- sessions ---------------------------------------------------------------------

    def load_session(self, session_id: str) -> SessionState | None:
        """The saved state of a conversation, or None if it was never saved."""
        with self.transaction() as s:
            row = s.get(SessionRow, session_id)
            if row is None:
                return None
            return SessionState(
                session_id=row.session_id,
                user_id=row.user_id,
                pending_action=row.pending_action,
            )

    def save_session(self, state: SessionState) -> None:
        """Insert or update a conversation's state."""
        now = self._now()
        with self.transaction() as s:
            row = s.get(SessionRow, state.session_id)
            if row is None:
                row = SessionRow(session_id=state.session_id, created_at=now)
                s.add(row)
            row.user_id = state.user_id
            row.pending_action = state.pending_action
            row.updated_at = now

    def delete_session(self, session_id: str) -> bool:
        """Forget a conversation and its cart (turn logs stay); True if it existed."""
        with self.transaction() as s:
            s.execute(delete(CartItemRow).where(CartItemRow.session_id == session_id))
            row = s.get(SessionRow, session_id)
            if row is None:
                return False
            s.delete(row)
            return True

    def session_times(self, session_id: str) -> tuple[datetime, datetime] | None:
        """When a session was created and last saved (UTC), or None."""
        with self.transaction() as s:
            row = s.get(SessionRow, session_id)
            return None if row is None else (_as_utc(row.created_at), _as_utc(row.updated_at))

    # -- carts ------------------------------------------------------------------------

    def cart_items(self, session_id: str) -> list[CartItem]:
        """The cart of a session, in the order items were first added."""
        with self.transaction() as s:
            rows = s.execute(
                select(CartItemRow, VariantRow, ProductRow)
                .join(VariantRow, VariantRow.item_id == CartItemRow.item_id)
                .join(ProductRow, ProductRow.product_id == VariantRow.product_id)
                .where(CartItemRow.session_id == session_id)
                .order_by(CartItemRow.position)
            )
            return [
                CartItem(
                    item_id=line.item_id,
                    quantity=line.quantity,
                    product_id=product.product_id,
                    name=product.name,
                    options=dict(variant.options),
                    unit_price=variant.price,
                    available=variant.available,
                )
                for line, variant, product in rows
            ]

    def cart_add(self, session_id: str, item_id: str, quantity: int = 1) -> list[CartItem]:
        """Add `quantity` of an in-stock item to a session's cart; returns the cart.

        Raises:
            StoreError: If the quantity is below 1, or the item is unknown or out of stock.
        """
        if quantity < 1:
            raise StoreError(f"quantity must be at least 1, got {quantity}")
        with self.transaction() as s:
            variant = s.get(VariantRow, item_id)
            if variant is None:
                raise StoreError(f"unknown item id {item_id!r}")
            if not variant.available:
                raise StoreError(f"item {item_id} is out of stock")
            line = s.get(CartItemRow, (session_id, item_id))
            if line is None:
                last = s.scalar(
                    select(func.max(CartItemRow.position)).where(
                        CartItemRow.session_id == session_id
                    )
                )
                position = 0 if last is None else last + 1
                s.add(
                    CartItemRow(
                        session_id=session_id, item_id=item_id, quantity=quantity, position=position
                    )
                )
            else:
                line.quantity += quantity
            s.flush()
            return self.cart_items(session_id)

    def cart_remove(
        self, session_id: str, item_id: str, quantity: int | None = None
    ) -> list[CartItem]:
        """Remove an item from a cart (all of it, or `quantity` units); returns the cart.

        Raises:
            StoreError: If the item is not in the cart or the quantity is below 1.
        """
        if quantity is not None and quantity < 1:
            raise StoreError(f"quantity must be at least 1, got {quantity}")
        with self.transaction() as s:
            line = s.get(CartItemRow, (session_id, item_id))
            if line is None:
                raise StoreError(f"item {item_id} is not in the cart")
            if quantity is None or quantity >= line.quantity:
                s.delete(line)
            else:
                line.quantity -= quantity
            s.flush()
            return self.cart_items(session_id)

    def cart_clear(self, session_id: str) -> int:
        """Empty a session's cart; returns how many lines were removed."""
        with self.transaction() as s:
            result = s.execute(delete(CartItemRow).where(CartItemRow.session_id == session_id))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # -- turn logs --------------------------------------------------------------------

    def log_turn(self, record: TurnRecord) -> TurnRecord:
        """Append a turn to its session's log; returns it with index and time filled in."""
        with self.transaction() as s:
            index = record.turn_index
            if index is None:
                last = s.scalar(
                    select(func.max(TurnRow.turn_index)).where(
                        TurnRow.session_id == record.session_id
                    )
                )
                index = 0 if last is None else last + 1
            created = _as_utc(record.created_at) if record.created_at else self._now()
            if record.turn_index is not None and s.scalar(
                select(TurnRow.id).where(
                    TurnRow.session_id == record.session_id, TurnRow.turn_index == index
                )
            ):
                raise StoreError(f"turn {index} of session {record.session_id!r} is already logged")
            s.add(
                TurnRow(
                    session_id=record.session_id,
                    turn_index=index,
                    user_message=record.user_message,
                    reply=record.reply,
                    tool_calls=[c.model_dump(mode="json") for c in record.tool_calls],
                    timings=dict(record.timings),
                    prompt_tokens=record.prompt_tokens,
                    completion_tokens=record.completion_tokens,
                    grounding_failed=record.grounding_failed,
                    created_at=created,
                )
            )
        return record.model_copy(update={"turn_index": index, "created_at": created})

    def turns(self, session_id: str) -> list[TurnRecord]:
        """A session's turns in order."""
        with self.transaction() as s:
            rows = s.scalars(
                select(TurnRow).where(TurnRow.session_id == session_id).order_by(TurnRow.turn_index)
            )
            return [
                TurnRecord.model_validate(
                    {
                        "session_id": r.session_id,
                        "turn_index": r.turn_index,
                        "user_message": r.user_message,
                        "reply": r.reply,
                        "tool_calls": r.tool_calls,
                        "timings": r.timings,
                        "prompt_tokens": r.prompt_tokens,
                        "completion_tokens": r.completion_tokens,
                        "grounding_failed": r.grounding_failed,
                        "created_at": _as_utc(r.created_at),
                    }
                )
                for r in rows
            ]

    def grounding_failures(self, session_id: str | None = None) -> int:
        """How many turns failed the grounding check, in one session or overall."""
        query = select(func.count()).select_from(TurnRow).where(TurnRow.grounding_failed.is_(True))
        if session_id is not None:
            query = query.where(TurnRow.session_id == session_id)
        with self.transaction() as s:
            return int(s.scalar(query) or 0)
