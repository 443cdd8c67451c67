"""What an identity lookup does in each mode, and the one-time-code check of `verify`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from assistant.identity import IdentityMode
from assistant.identity.codes import (
    CODE_DIGITS,
    CODE_MINUTES,
    MAX_TRIES,
    CodeSender,
    code_hash,
    code_matches,
    new_code,
)
from assistant.store import Store
from assistant.store.models import SessionState

CODE_SENT = (
    "A one-time code was sent to the email address on that account, if there is one. Ask the "
    "shopper to type the code here; nothing about the account can be shown before that."
)
SIGN_IN_ON_STORE = (
    "refused by store policy: shoppers sign in on the store's website; this chat cannot look "
    "accounts up. Ask the shopper to sign in there and reopen the chat."
)
_CODE = re.compile(rf"(?<!\d)\d{{{CODE_DIGITS}}}(?!\d)")


class IdentityGate:
    """Signs shoppers in as the identity mode says.

    Args:
        mode: `lookup`, `verify` or `storefront` (see `assistant.identity`).
        store: Where users and pending checks are.
        sender: Delivers one-time codes (`verify` only).
        now: The clock.
    """

    def __init__(
        self,
        mode: IdentityMode,
        store: Store,
        sender: CodeSender | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if mode == "verify" and sender is None:
            raise ValueError("verify mode needs a code sender")
        self.mode = mode
        self.store = store
        self.sender = sender
        self.now = now

    @property
    def lookups_sign_in(self) -> bool:
        """Whether a found account signs the shopper in at once (τ²'s rule)."""
        return self.mode == "lookup"

    def start(self, session: SessionState, user_id: str) -> str:
        """`verify`: send a code to the account's email and keep its hash; returns what the
        conversation is told (the same whether or not a code could be sent)."""
        user = self.store.user(user_id)
        if user is not None and self.sender is not None:
            code = new_code()
            expires = self.now() + timedelta(minutes=CODE_MINUTES)
            self.store.start_verification(
                session.session_id, user_id, code_hash(session.session_id, code), expires
            )
            self.sender.send(user.email, code)
        return CODE_SENT

    def check(self, session: SessionState, text: str) -> str | None:
        """`verify`: the reply to a message that gives a code for the session's pending
        check (signing the shopper in when it matches); None when there is nothing to check."""
        if self.mode != "verify" or session.user_id is not None:
            return None
        pending = self.store.verification(session.session_id)
        found = _CODE.search(text)
        if pending is None or found is None:
            return None
        if self.now() > pending.expires_at:
            self.store.end_verification(session.session_id)
            return "That code has expired. Tell me your email again and I'll send a new one."
        if not code_matches(session.session_id, found.group(), pending.code_hash):
            if pending.tries + 1 >= MAX_TRIES:
                self.store.end_verification(session.session_id)
                return "That code is not right either. Tell me your email again for a new code."
            self.store.count_verification_try(session.session_id)
            return "That code is not right. Please check the email and type the code again."
        self.store.end_verification(session.session_id)
        session.user_id = pending.user_id
        self.store.save_session(session)
        return "Thanks, that's the right code: you're signed in. How can I help with your account?"
