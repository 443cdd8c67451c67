"""Sign-in in the `verify` and `storefront` identity modes, on the real store and tools: a
session that only named an email gets no address, payment method or order; a one-time code
signs in; the chat cannot look anyone up when the storefront vouches for its shoppers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.engine import ToolResultEvent
from assistant.identity.codes import MAX_TRIES, FileSender
from assistant.identity.gate import CODE_SENT, SIGN_IN_ON_STORE, IdentityGate
from assistant.llm.scripted import call, say
from assistant.store import Store
from tests.engine.engine_support import SHOPPER, make_engine

PRIVATE = (
    call("get_user_details", user_id=SHOPPER["user_id"]),
    call("get_order_details", order_id=SHOPPER["pending"]),
)


def _leaks(reply: str, store: Store) -> list[str]:
    """Account details of SHOPPER that appear in `reply`."""
    user = store.user(SHOPPER["user_id"])
    assert user is not None
    secrets = [SHOPPER["user_id"], user.address.address1, user.address.zip, SHOPPER["pending"]]
    secrets += list(user.payment_methods)
    return [s for s in secrets if s in reply]


def _codes(outbox: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in outbox.read_text().splitlines()]


def test_verify_mode_discloses_nothing_before_the_code(store: Store, tmp_path: Path) -> None:
    outbox = tmp_path / "codes.jsonl"
    gate = IdentityGate("verify", store, FileSender(outbox))
    script = [call("find_user_id_by_email", email=SHOPPER["email"]), *PRIVATE, say("ok")]
    engine, _ = make_engine(store, script, identity=gate)

    named = engine.respond("v1", f"I'm {SHOPPER['email']}, what's my address and order status?")

    assert store.load_session("v1").user_id is None  # type: ignore[union-attr]
    results = {e.name: e for e in named.events if isinstance(e, ToolResultEvent)}
    assert results["find_user_id_by_email"].data == CODE_SENT
    assert results["get_user_details"].status == "refused"
    assert results["get_order_details"].status == "refused"
    assert _leaks(named.reply, store) == []
    sent = _codes(outbox)
    assert len(sent) == 1 and sent[0]["to"] == SHOPPER["email"]

    wrong = "000000" if sent[0]["code"] != "000000" else "111111"
    assert "not right" in engine.respond("v1", f"the code is {wrong}").reply
    assert store.load_session("v1").user_id is None  # type: ignore[union-attr]

    signed = engine.respond("v1", f"here it is: {sent[0]['code']}")
    assert "signed in" in signed.reply
    assert store.load_session("v1").user_id == SHOPPER["user_id"]  # type: ignore[union-attr]
    assert store.verification("v1") is None


def test_verify_mode_codes_expire_and_run_out(store: Store, tmp_path: Path) -> None:
    outbox = tmp_path / "codes.jsonl"
    clock = [datetime(2026, 1, 1, tzinfo=UTC)]
    gate = IdentityGate("verify", store, FileSender(outbox), now=lambda: clock[0])
    lookup = call("find_user_id_by_email", email=SHOPPER["email"])
    engine, _ = make_engine(store, lambda request: lookup, identity=gate)
    engine.respond("v2", f"my email is {SHOPPER['email']}")
    code = _codes(outbox)[-1]["code"]
    clock[0] += timedelta(minutes=11)
    assert "expired" in engine.respond("v2", code).reply
    assert store.load_session("v2").user_id is None  # type: ignore[union-attr]

    engine.respond("v3", f"my email is {SHOPPER['email']}")
    right = _codes(outbox)[-1]["code"]
    wrong = "000000" if right != "000000" else "111111"
    replies = [engine.respond("v3", wrong).reply for _ in range(MAX_TRIES)]
    assert "new code" in replies[-1] and store.verification("v3") is None
    assert store.load_session("v3").user_id is None  # type: ignore[union-attr]


def test_storefront_mode_never_looks_anyone_up(store: Store) -> None:
    gate = IdentityGate("storefront", store)
    script = [call("find_user_id_by_email", email=SHOPPER["email"]), *PRIVATE, say("ok")]
    engine, _ = make_engine(store, script, identity=gate)

    out = engine.respond("f1", f"I'm {SHOPPER['email']}, show me my address and my order")

    statuses = [(e.name, e.status) for e in out.events if isinstance(e, ToolResultEvent)]
    assert statuses == [
        ("find_user_id_by_email", "refused"),
        ("get_user_details", "refused"),
        ("get_order_details", "refused"),
    ]
    lookup = next(e for e in out.events if isinstance(e, ToolResultEvent))
    assert lookup.error is not None and SIGN_IN_ON_STORE in lookup.error
    assert store.load_session("f1").user_id is None  # type: ignore[union-attr]
    assert _leaks(out.reply, store) == []
