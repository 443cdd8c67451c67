"""Pending one-time-code checks (`verify` identity mode), one per session."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from assistant.store.conversations import as_utc
from assistant.store.schema import VerificationRow


@dataclass(frozen=True)
class Verification:
    """A code sent for a session: whom it signs in, its hash, until when, tries used."""

    session_id: str
    user_id: str
    code_hash: str
    expires_at: datetime
    tries: int


class Verifications:
    """Verification methods of `Store` (mixed in; uses its transaction)."""

    _now: Callable[[], datetime]

    def transaction(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def start_verification(
        self, session_id: str, user_id: str, code_hash: str, expires_at: datetime
    ) -> None:
        """Keep a sent code's hash for the session (replacing an earlier one)."""
        with self.transaction() as s:
            row = s.get(VerificationRow, session_id) or VerificationRow(session_id=session_id)
            row.user_id, row.code_hash, row.expires_at, row.tries = (
                user_id,
                code_hash,
                expires_at,
                0,
            )
            s.add(row)

    def verification(self, session_id: str) -> Verification | None:
        """The session's pending check, or None."""
        with self.transaction() as s:
            row = s.get(VerificationRow, session_id)
            if row is None:
                return None
            return Verification(
                row.session_id, row.user_id, row.code_hash, as_utc(row.expires_at), row.tries
            )

    def count_verification_try(self, session_id: str) -> None:
        """One more wrong code given for the session's check."""
        with self.transaction() as s:
            row = s.get(VerificationRow, session_id)
            if row is not None:
                row.tries += 1

    def end_verification(self, session_id: str) -> None:
        """Forget the session's check (it succeeded, expired or ran out of tries)."""
        with self.transaction() as s:
            row = s.get(VerificationRow, session_id)
            if row is not None:
                s.delete(row)
