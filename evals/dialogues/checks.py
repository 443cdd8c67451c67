"""Checking one turn and one dialogue's end state against their expectations.

Every check returns the problems it found as sentences (empty: it holds), so a report can say
exactly what went wrong where.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evals.dialogues.model import (
    ArgConstraint,
    Check,
    ExpectCall,
    FinalState,
    ReplyExpect,
    TurnExpect,
)

_MISSING = object()


@dataclass(frozen=True)
class Call:
    """One tool call of a turn as it ended."""

    name: str
    status: str
    """ok, error, refused or pending."""
    arguments: dict[str, Any]
    error: str | None = None


def value_at(arguments: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (`filters.max_price`), or `_MISSING`."""
    value: Any = arguments
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _norm(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _equal(value: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return isinstance(value, list) and Counter(map(_norm, value)) == Counter(
            map(_norm, expected)
        )
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return isinstance(value, int | float) and abs(float(value) - float(expected)) < 1e-9
    return _norm(value) == _norm(expected)


def _holds(value: Any, needle: str) -> bool:
    if isinstance(value, list):
        return any(_norm(v) == needle.lower() for v in value)
    return needle.lower() in str(value).lower()


def check_value(value: Any, constraint: ArgConstraint) -> list[str]:
    """Why `value` breaks `constraint` (empty when it holds)."""
    if not isinstance(constraint, Check):
        if value is _MISSING:
            return [f"is missing (expected {constraint!r})"]
        return [] if _equal(value, constraint) else [f"is {value!r}, expected {constraint!r}"]
    c = constraint
    if c.absent is not None:
        missing = value is _MISSING or value is None
        if missing != c.absent:
            return ["is given" if c.absent else "is missing"]
        if missing:
            return []
    if value is _MISSING:
        return ["is missing"]
    problems = []
    if c.equals is not None and not _equal(value, c.equals):
        problems.append(f"is {value!r}, expected {c.equals!r}")
    if c.one_of is not None and not any(_equal(value, v) for v in c.one_of):
        problems.append(f"is {value!r}, expected one of {c.one_of!r}")
    if c.contains is not None and not _holds(value, c.contains):
        problems.append(f"is {value!r}, which does not contain {c.contains!r}")
    for needle in c.contains_all or []:
        if not _holds(value, needle):
            problems.append(f"is {value!r}, which does not contain {needle!r}")
    if c.contains_any and not any(_holds(value, n) for n in c.contains_any):
        problems.append(f"is {value!r}, which contains none of {c.contains_any!r}")
    for needle in c.not_contains or []:
        if _holds(value, needle):
            problems.append(f"is {value!r}, which contains {needle!r}")
    if c.matches is not None and not re.search(c.matches, str(value), re.IGNORECASE):
        problems.append(f"is {value!r}, which does not match /{c.matches}/")
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if c.lte is not None and (number is None or number > c.lte):
        problems.append(f"is {value!r}, expected at most {c.lte}")
    if c.gte is not None and (number is None or number < c.gte):
        problems.append(f"is {value!r}, expected at least {c.gte}")
    return problems


def call_problems(expect: ExpectCall, call: Call) -> list[str]:
    """Why `call` does not meet `expect` (empty when it does)."""
    if call.name != expect.tool:
        return [f"is {call.name}"]
    problems = []
    if expect.status != "any" and call.status != expect.status:
        problems.append(f"ended {call.status}, expected {expect.status}")
    for path, constraint in expect.args.items():
        problems += [f"{path} {p}" for p in check_value(value_at(call.arguments, path), constraint)]
    return problems


_GROUPED = re.compile(r"(?<=\d),(?=\d{3}\b)")


def reply_problems(expect: ReplyExpect, reply: str) -> list[str]:
    """What the reply says that it must not, or lacks that it must (numbers are read without
    their thousands separators: "$1,908.15" says 1908.15)."""
    reply = reply + "\n" + _GROUPED.sub("", reply)
    text = reply.lower()
    problems = [f"reply lacks {s!r}" for s in expect.contains if s.lower() not in text]
    if expect.contains_any and not any(s.lower() in text for s in expect.contains_any):
        problems.append(f"reply has none of {expect.contains_any!r}")
    problems += [f"reply says {s!r}" for s in expect.not_contains if s.lower() in text]
    if expect.matches is not None and not re.search(expect.matches, reply, re.IGNORECASE):
        problems.append(f"reply does not match /{expect.matches}/")
    return problems


def turn_problems(
    expect: TurnExpect, calls: Sequence[Call], pending: str | None, reply: str
) -> list[str]:
    """Every way the turn missed its expectations."""
    problems = []
    for wanted in expect.calls:
        candidates = [c for c in calls if c.name == wanted.tool]
        if not candidates:
            problems.append(f"{wanted.tool} was not called")
            continue
        misses = [call_problems(wanted, c) for c in candidates]
        if all(misses):
            closest = min(misses, key=len)
            problems.append(f"{wanted.tool}: " + "; ".join(closest))
    for name in expect.no_calls:
        if any(c.name == name for c in calls):
            problems.append(f"{name} was called")
    if expect.no_tools and calls:
        problems.append(f"tools were called: {', '.join(c.name for c in calls)}")
    if expect.pending is not None:
        wanted_pending = None if expect.pending == "none" else expect.pending
        if pending != wanted_pending:
            problems.append(f"pending is {pending or 'none'}, expected {expect.pending}")
    return problems + reply_problems(expect.reply, reply)


def wrong_writes(expect: TurnExpect, calls: Iterable[Call], changes: frozenset[str]) -> list[Call]:
    """The changes this turn ran that no expectation of the turn asked to run."""
    allowed = {w.tool for w in expect.calls if w.status in ("ok", "any")}
    return [c for c in calls if c.status == "ok" and c.name in changes and c.name not in allowed]


def _order_problems(order_id: str, want: Any, order: Mapping[str, Any] | None) -> list[str]:
    if order is None:
        return [f"order {order_id} does not exist"]
    problems = []
    items = [i["item_id"] for i in order.get("items", [])]
    payments = [p["payment_method_id"] for p in order.get("payment_history", [])]
    fields = {
        "status": order.get("status"),
        "item_ids": items,
        "return_items": order.get("return_items"),
        "exchange_items": order.get("exchange_items"),
        "exchange_new_items": order.get("exchange_new_items"),
        "payment_method_ids": payments,
    }
    for name, actual in fields.items():
        expected = getattr(want, name)
        if expected is not None and not _equal(actual, expected):
            problems.append(f"order {order_id} {name} is {actual!r}, expected {expected!r}")
    for key, value in (want.address or {}).items():
        actual = (order.get("address") or {}).get(key)
        if _norm(actual) != _norm(value):
            problems.append(f"order {order_id} address {key} is {actual!r}, expected {value!r}")
    return problems


def state_problems(
    final: FinalState,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    cart: Sequence[tuple[str, int]],
) -> list[str]:
    """How the store after the dialogue differs from what was expected.

    Args:
        final: The expected end state.
        before: The store before the dialogue (`Store.dump_tau2()`).
        after: The store after it.
        cart: The session's cart lines (item id, quantity).
    """
    problems = []
    for order_id, want in final.orders.items():
        problems += _order_problems(order_id, want, after["orders"].get(order_id))
    for user_id, user_want in final.users.items():
        user = after["users"].get(user_id)
        if user is None:
            problems.append(f"user {user_id} does not exist")
            continue
        for key, value in (user_want.address or {}).items():
            actual = user["address"].get(key)
            if _norm(actual) != _norm(value):
                problems.append(f"user {user_id} address {key} is {actual!r}, expected {value!r}")
    if final.others_unchanged:
        # A change to an order pays or refunds through its owner's payment methods (a gift
        # card's balance): the owner's other details must stay as they were.
        owners = {after["orders"][o].get("user_id") for o in final.orders if o in after["orders"]}
        for part, named in (("orders", final.orders), ("users", final.users)):
            changed = [
                key
                for key, value in after[part].items()
                if key not in named
                and _without(before[part].get(key), key in owners and part == "users")
                != _without(value, key in owners and part == "users")
            ]
            problems += [f"{part[:-1]} {key} changed" for key in changed]
    if final.cart is not None:
        wanted = Counter({line.item_id: line.quantity for line in final.cart})
        actual = Counter(dict(cart))
        if wanted != actual:
            problems.append(f"cart is {dict(actual)}, expected {dict(wanted)}")
    return problems


def _without(record: Any, payments: bool) -> Any:
    """A user record without its payment methods, when `payments` (else as it is)."""
    if not payments or not isinstance(record, dict):
        return record
    return {k: v for k, v in record.items() if k != "payment_methods"}
