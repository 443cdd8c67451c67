"""The load run's sessions and its check for replies naming another session's shopper."""

from __future__ import annotations

from typing import Any

from benchmarks.load_plan import (
    FILL_CATEGORIES,
    SessionPlan,
    SessionRecord,
    dev_dialogues,
    find_leaks,
    plan_sessions,
)


def _user(uid: str, first: str, last: str, email: str, zip_code: str, orders: list[str]) -> Any:
    return {
        "user_id": uid,
        "name": {"first_name": first, "last_name": last},
        "email": email,
        "address": {"address1": "1 Main St", "zip": zip_code},
        "orders": orders,
    }


USERS = {
    "ann_1": _user("ann_1", "Ann", "Lee", "ann.lee1@example.com", "10126", ["#W1111111"]),
    "bob_2": _user("bob_2", "Bob", "Kim", "bob.kim2@example.com", "94107", ["#W2222222"]),
}


def _record(index: int, users: set[str], said: list[str], replies: list[str]) -> SessionRecord:
    plan = SessionPlan(index, None, ("d",), tuple(said))
    return SessionRecord(plan, users=users, said=said, replies=replies)


def test_a_reply_naming_another_sessions_shopper_is_a_leak() -> None:
    ann = _record(
        0, {"ann_1"}, ["my orders?"], ["Your order W2222222 ships to bob.kim2@example.com"]
    )
    bob = _record(1, {"bob_2"}, ["hi"], ["Hello Bob Kim, order #W2222222 is pending"])
    leaks = find_leaks([ann, bob], USERS)
    assert {(leak["session"], leak["mark"]) for leak in leaks} == {
        (0, "W2222222"),
        (0, "bob.kim2@example.com"),
    }
    assert all(leak["belongs_to"] == "bob_2" for leak in leaks)


def test_what_the_shopper_typed_and_shared_marks_are_not_leaks() -> None:
    # Ann typed Bob's order id herself; the street line is both shoppers' own.
    ann = _record(0, {"ann_1"}, ["status of W2222222?"], ["W2222222 is not yours; 1 Main St"])
    bob = _record(1, {"bob_2"}, ["hi"], ["hello"])
    assert find_leaks([ann, bob], USERS) == []


def test_a_zip_inside_a_longer_number_is_not_a_leak() -> None:
    ann = _record(0, {"ann_1"}, ["a lamp"], ["Item 9410712345 costs $20"])
    bob = _record(1, {"bob_2"}, ["hi"], ["hello"])
    assert find_leaks([ann, bob], USERS) == []


def test_sessions_have_their_turns_and_fill_only_with_anonymous_dialogues() -> None:
    dialogues = dev_dialogues()
    by_id = {d.id: d for d in dialogues}
    plans = plan_sessions(dialogues, 12, 10, offset=5)
    assert [p.index for p in plans] == list(range(5, 17))
    for plan in plans:
        assert len(plan.messages) == 10
        lead, *fillers = (by_id[i] for i in plan.dialogues)
        assert plan.shopper == lead.shopper
        assert all(f.category in FILL_CATEGORIES and f.shopper is None for f in fillers)
    assert len({p.dialogues[0] for p in plans}) == 12  # distinct leads
    assert all(d.split == "dev" for d in dialogues)
