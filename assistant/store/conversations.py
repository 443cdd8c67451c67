"""Conversation state in the store: sessions, shopping carts and turn logs."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.store.errors import StoreError
from assistant.store.models import CartItem, SessionState, TurnRecord
from assistant.store.schema import (
    CartItemRow,
    CartUndoRow,
    ProductRow,
    SessionOwnerRow,
    SessionRow,
    TurnRow,
    VariantRow,
)

UNDO_STEPS = 20
"""Cart changes of a session that can be undone, newest first."""


def _remember_cart(s: Session, session_id: str) -> None:
    """Keep the cart as it is now, before a change, for `cart_undo`."""
    lines = s.scalars(select(CartItemRow).where(CartItemRow.session_id == session_id)).all()
    last = s.scalar(select(func.max(CartUndoRow.step)).where(CartUndoRow.session_id == session_id))
    step = 0 if last is None else last + 1
    snapshot = [[line.item_id, line.quantity, line.position] for line in lines]
    s.add(CartUndoRow(session_id=session_id, step=step, lines=snapshot))
    s.execute(
        delete(CartUndoRow).where(
            CartUndoRow.session_id == session_id, CartUndoRow.step <= step - UNDO_STEPS
        )
    )


def as_utc(value: datetime) -> datetime:
    """`value` in UTC; SQLite hands back naive datetimes, and the store writes only UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Conversations:
    """Session, cart and turn-log methods of `Store` (mixed in; uses its transaction)."""

    _now: Callable[[], datetime]

    def transaction(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    # -- sessions ---------------------------------------------------------------------

    def load_session(self, session_id: str, *, lock: bool = False) -> SessionState | None:
        """The saved state of a conversation, or None if it was never saved.

        Args:
            session_id: The conversation.
            lock: Hold the session's row until the enclosing transaction ends, so another
                process reading it the same way waits and then sees what this one wrote
                (PostgreSQL's row lock; SQLite's transactions are serialised already).
        """
        with self.transaction() as s:
            row = s.get(
                SessionRow, session_id, with_for_update=lock or None, populate_existing=lock
            )
            if row is None:
                return None
            return SessionState(
                session_id=row.session_id,
                user_id=row.user_id,
                pending_action=row.pending_action,
            )

    def save_session(self, state: SessionState, *, owner: str | None = None) -> None:
        """Insert or update a conversation's state.

        Args:
            state: The conversation's state.
            owner: When the session is new, bind it to this digest of its caller (see
                `session_owner`); ignored for a session that already exists.
        """
        now = self._now()
        with self.transaction() as s:
            row = s.get(SessionRow, state.session_id)
            new = row is None
            if row is None:
                row = SessionRow(session_id=state.session_id, created_at=now)
            row.user_id = state.user_id
            row.pending_action = state.pending_action
            row.updated_at = now
            if new:
                s.add(row)
                if owner is not None and s.get(SessionOwnerRow, state.session_id) is None:
                    s.add(SessionOwnerRow(session_id=state.session_id, owner=owner, created_at=now))

    def session_owner(self, session_id: str) -> str | None:
        """The digest of the caller a session is bound to; None for an unbound session.

        The binding is kept when the session is deleted (its turn log is kept too).
        """
        with self.transaction() as s:
            row = s.get(SessionOwnerRow, session_id)
            return None if row is None else row.owner

    def delete_session(self, session_id: str) -> bool:
        """Forget a conversation and its cart (turn logs stay); True if it existed."""
        with self.transaction() as s:
            s.execute(delete(CartItemRow).where(CartItemRow.session_id == session_id))
            s.execute(delete(CartUndoRow).where(CartUndoRow.session_id == session_id))
            row = s.get(SessionRow, session_id)
            if row is None:
                return False
            s.delete(row)
            return True

    def session_times(self, session_id: str) -> tuple[datetime, datetime] | None:
        """When a session was created and last saved (UTC), or None."""
        with self.transaction() as s:
            row = s.get(SessionRow, session_id)
            return None if row is None else (as_utc(row.created_at), as_utc(row.updated_at))

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
            _remember_cart(s, session_id)
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
            _remember_cart(s, session_id)
            if quantity is None or quantity >= line.quantity:
                s.delete(line)
            else:
                line.quantity -= quantity
            s.flush()
            return self.cart_items(session_id)

    def cart_clear(self, session_id: str) -> int:
        """Empty a session's cart; returns how many lines were removed."""
        with self.transaction() as s:
            _remember_cart(s, session_id)
            result = s.execute(delete(CartItemRow).where(CartItemRow.session_id == session_id))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def cart_undo(self, session_id: str) -> list[CartItem]:
        """Put the cart back as it was before its last change; returns the cart.

        Raises:
            StoreError: If the cart has no change to undo.
        """
        with self.transaction() as s:
            last = s.scalar(
                select(CartUndoRow)
                .where(CartUndoRow.session_id == session_id)
                .order_by(CartUndoRow.step.desc())
                .limit(1)
            )
            if last is None:
                raise StoreError("there is no cart change to undo")
            s.execute(delete(CartItemRow).where(CartItemRow.session_id == session_id))
            for item_id, quantity, position in last.lines:
                s.add(
                    CartItemRow(
                        session_id=session_id, item_id=item_id, quantity=quantity, position=position
                    )
                )
            s.delete(last)
            s.flush()
            return self.cart_items(session_id)

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
            created = as_utc(record.created_at) if record.created_at else self._now()
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
                        "created_at": as_utc(r.created_at),
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
