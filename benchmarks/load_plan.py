"""What the load run's shoppers say, and the check that no reply names another shopper.

Sessions are built from the dev split's hand-written τ² dialogues (`evals/dialogues/`; the
test split is held out and not read here). Each session leads with one dialogue, opened
signed in as its shopper where the dialogue names one, and is filled up to its turn count
with dialogues that need nobody signed in (search, product questions, FAQ, cart), so one
session keeps one identity. Leads are dealt round the dialogue list from an offset, so
the load's phases replay different dialogues and a store change made by one phase (an
order cancelled) does not turn the next phase's same request into a refusal.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.dialogues.load import load_dialogues
from evals.dialogues.model import Dialogue

FILL_CATEGORIES = frozenset(
    {"search", "no_results", "product_info", "compare", "similar", "faq", "cart", "out_of_scope"}
)
"""Dialogue kinds that need no signed-in shopper: they fill a session up to its turns."""
SIGN_IN_TOOLS = frozenset({"find_user_id_by_email", "find_user_id_by_name_zip"})


@dataclass(frozen=True)
class SessionPlan:
    """One load session: who it opens signed in as, and its messages in order.

    Attributes:
        index: The session's number in the plan.
        shopper: The user id the storefront vouches for (None: anonymous).
        dialogues: Ids of the dialogues its messages come from.
        messages: The shopper's messages.
    """

    index: int
    shopper: str | None
    dialogues: tuple[str, ...]
    messages: tuple[str, ...]


def _signs_in(dialogue: Dialogue) -> bool:
    return "sign_in" in dialogue.tags or any(
        call.tool in SIGN_IN_TOOLS for turn in dialogue.turns for call in turn.expect.calls
    )


def dev_dialogues() -> list[Dialogue]:
    """The dev split's shopper dialogues on the τ² store (the API's demo store)."""
    return [
        d
        for d in load_dialogues()
        if d.split == "dev" and d.store == "tau2" and d.role == "shopper"
    ]


def plan_sessions(
    dialogues: Sequence[Dialogue], count: int, turns: int, offset: int = 0, seed: int = 0
) -> list[SessionPlan]:
    """`count` sessions of `turns` messages each, leads dealt from `offset` (see the module).

    Raises:
        ValueError: no dialogue can fill a session (none needs nobody signed in).
    """
    leads = list(dialogues)
    random.Random(seed).shuffle(leads)
    fillers = [
        d for d in leads if d.category in FILL_CATEGORIES and d.shopper is None and not _signs_in(d)
    ]
    if not fillers:
        raise ValueError("no dev dialogue needs nobody signed in; cannot fill sessions")
    plans = []
    for i in range(count):
        lead = leads[(offset + i) % len(leads)]
        chosen = [lead]
        messages = [t.user for t in lead.turns]
        start = (offset + i) * 7 % len(fillers)  # neighbours start at different fillers
        order = [d for d in fillers[start:] + fillers[:start] if d.id != lead.id] or fillers
        k = 0
        while len(messages) < turns:
            chosen.append(order[k % len(order)])
            messages += [t.user for t in chosen[-1].turns]
            k += 1
        plans.append(
            SessionPlan(
                offset + i, lead.shopper, tuple(d.id for d in chosen), tuple(messages[:turns])
            )
        )
    return plans


def shopper_marks(user: dict[str, Any]) -> set[str]:
    """What identifies a τ² shopper in text: full name, email, street, zip and order ids."""
    name = user.get("name", {})
    address = user.get("address", {})
    marks = {
        f"{name.get('first_name', '')} {name.get('last_name', '')}".strip(),
        user.get("email", ""),
        address.get("address1", ""),
        address.get("zip", ""),
    }
    marks |= {order.lstrip("#") for order in user.get("orders", [])}
    return {m for m in marks if m}


def _found(mark: str, text: str) -> bool:
    # Word edges: zip 10126 must not match inside item id 1012634567.
    return re.search(rf"(?<![\w@.]){re.escape(mark)}(?![\w@])", text, re.IGNORECASE) is not None


@dataclass
class SessionRecord:
    """What one session saw: its shoppers, messages and replies, in order."""

    plan: SessionPlan
    users: set[str] = field(default_factory=set)
    said: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)


def find_leaks(
    records: Iterable[SessionRecord], users: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Replies that name another concurrent session's shopper.

    A mark counts when it belongs to a shopper signed in in another session of the same
    phase, to none of this session's shoppers, and does not appear in this session's own
    messages up to that reply (a shopper may type somebody's order id themselves).
    """
    records = list(records)
    marks = {uid: shopper_marks(users[uid]) for r in records for uid in r.users if uid in users}
    leaks = []
    for record in records:
        own = set().union(*(marks.get(uid, set()) for uid in record.users))
        foreign: dict[str, str] = {}
        for other in records:
            if other is record:
                continue
            for uid in other.users - record.users:
                for mark in marks.get(uid, set()) - own:
                    foreign.setdefault(mark, uid)
        for turn, reply in enumerate(record.replies):
            typed = " ".join(record.said[: turn + 1])
            for mark, uid in foreign.items():
                if _found(mark, reply) and not _found(mark, typed):
                    leaks.append(
                        {
                            "session": record.plan.index,
                            "turn": turn + 1,
                            "mark": mark,
                            "belongs_to": uid,
                            "session_users": sorted(record.users),
                        }
                    )
    return leaks
