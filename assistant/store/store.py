"""The `Store`: one SQL database behind every piece of state shopassist keeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from assistant.store.catalog_sync import CatalogSync
from assistant.store.conversations import Conversations
from assistant.store.convert import order_of, product_of, user_of, variant_of
from assistant.store.copy_drafts import CopyDrafts
from assistant.store.errors import StoreUnavailableError
from assistant.store.events import Events
from assistant.store.models import Order, Product, User, Variant
from assistant.store.order_ids import OrderIdShapes
from assistant.store.people_sync import PeopleSync
from assistant.store.schema import (
    Base,
    OrderItemRow,
    OrderRow,
    ProductRow,
    UserRow,
    VariantRow,
)
from assistant.store.tau2_io import dump_retail, load_retail, validate_retail
from assistant.store.verifications import Verifications


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
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


# SQLite reports a schema mistake as OperationalError too; these say the file is out of reach.
_SQLITE_UNREACHABLE = (
    "unable to open",
    "disk i/o error",
    "database is locked",
    "readonly database",
    "not a database",
    "no such table",
)


def _unavailable(context: ExceptionContext) -> StoreUnavailableError | None:
    """The store-level error for a database that cannot be reached, else None (unchanged)."""
    if context.is_pre_ping:
        return None  # the pool's own check: it replaces the dead connection by itself
    err = context.sqlalchemy_exception
    if not isinstance(err, OperationalError) and not context.is_disconnect:
        return None
    reason = str(context.original_exception).strip().splitlines()[0]
    sqlite = context.dialect.name == "sqlite" and not context.is_disconnect
    if sqlite and not any(words in reason.lower() for words in _SQLITE_UNREACHABLE):
        return None
    return StoreUnavailableError(f"the store database is unavailable: {reason}")


class Store(
    Conversations, CopyDrafts, Events, CatalogSync, PeopleSync, OrderIdShapes, Verifications
):
    """Products, users, orders, carts, sessions, turn logs and shopper events in one SQL
    database.

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
        event.listen(self.engine, "handle_error", _unavailable)
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

    def products_named(self, name: str) -> list[Product]:
        """The products whose name is `name`, ignoring case, in catalog order."""
        with self.transaction() as s:
            rows = s.scalars(
                select(ProductRow)
                .where(func.lower(ProductRow.name) == name.strip().lower())
                .order_by(ProductRow.position)
            )
            return [product_of(r) for r in rows]

    def variant(self, item_id: str) -> Variant | None:
        """One variant by item id, or None."""
        with self.transaction() as s:
            row = s.get(VariantRow, item_id)
            return None if row is None else variant_of(row)

    def purchases(self) -> list[tuple[str, str, int]]:
        """Every item bought, as (user id, item id, order position), cancelled orders left out."""
        with self.transaction() as s:
            rows = s.execute(
                select(OrderRow.user_id, OrderItemRow.item_id, OrderRow.position)
                .join(OrderItemRow, OrderItemRow.order_id == OrderRow.order_id)
                .where(OrderRow.status != "cancelled")
                .order_by(OrderRow.position, OrderItemRow.position)
            )
            return [(u, i, int(n)) for u, i, n in rows]

    def product_for_item(self, item_id: str) -> Product | None:
        """The product an item id belongs to, or None."""
        with self.transaction() as s:
            row = s.get(VariantRow, item_id)
            return None if row is None else product_of(row.product)
