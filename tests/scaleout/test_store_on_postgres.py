"""The store's locking on a real PostgreSQL server: what keeps replicas from racing."""

from __future__ import annotations

import threading
import uuid

import pytest

from assistant.store import Store
from assistant.store.models import SessionState
from tests.scaleout.servers import Postgres

pytestmark = pytest.mark.server


def test_a_locked_session_read_waits_for_the_holder_and_sees_its_write(
    postgres: Postgres,
) -> None:
    # Two stores stand for two replicas; a confirmation reads its session locked.
    first, second = Store(postgres.url), Store(postgres.url)
    first.create_all()
    sid = uuid.uuid4().hex
    first.save_session(SessionState(sid, pending_action={"name": "x", "arguments": {}}))
    seen: list[SessionState | None] = []

    def confirm_elsewhere() -> None:
        with second.transaction():
            seen.append(second.load_session(sid, lock=True))

    other = threading.Thread(target=confirm_elsewhere)
    try:
        with first.transaction():
            held = first.load_session(sid, lock=True)
            assert held is not None and held.pending_action is not None
            other.start()
            other.join(timeout=1.0)
            assert other.is_alive(), "the second reader did not wait for the first one's lock"
            held.pending_action = None
            first.save_session(held)
        other.join(timeout=30)
        assert not other.is_alive()
        assert len(seen) == 1 and seen[0] is not None and seen[0].pending_action is None
    finally:
        first.close()
        second.close()


def test_an_unlocked_read_does_not_wait(postgres: Postgres) -> None:
    # The lock is what makes the difference: plain reads (every other route) never block.
    first, second = Store(postgres.url), Store(postgres.url)
    first.create_all()
    sid = uuid.uuid4().hex
    first.save_session(SessionState(sid, user_id=None))
    try:
        with first.transaction():
            assert first.load_session(sid, lock=True) is not None
            done = threading.Event()

            def read() -> None:
                second.load_session(sid)
                done.set()

            threading.Thread(target=read).start()
            assert done.wait(timeout=10), "a plain read waited for a row lock"
    finally:
        first.close()
        second.close()
