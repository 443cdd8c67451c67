"""The format of a scripted dialogue eval: pydantic models, the JSON schema generated from them.

A dialogue is a list of shopper (or merchant) turns, each with what the assistant must and
must not do in that turn, and the store state expected once the dialogue ends. Files live in
`evals/dialogues/*.yaml`, one list of dialogues per file; `schema.json` beside them is
generated from these models (`python -m evals.dialogues.model`).

Argument constraints name an argument by its path (`filters.max_price`) and give either a
value (equal; a list is compared as a multiset) or a `Check` with operators.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Category = Literal[
    "search",
    "no_results",
    "product_info",
    "compare",
    "similar",
    "personal",
    "cart",
    "faq",
    "order_status",
    "cancel",
    "return",
    "exchange",
    "modify_items",
    "order_address",
    "user_address",
    "payment",
    "confirm_mismatch",
    "other_shopper",
    "injection",
    "out_of_scope",
    "handoff",
    "merchant_copy",
]
"""What a dialogue is mainly about; reports give success per category."""

Tag = Literal[
    "typo",
    "chit_chat",
    "indirect",
    "multi_intent",
    "pointing",
    "superlative",
    "sorting",
    "change_of_mind",
    "other_language",
    "sign_in",
    "filter_price",
    "filter_option",
    "filter_type",
    "filter_stock",
]
"""Features of the language a dialogue exercises, for slicing the report."""

CallStatus = Literal["ok", "pending", "refused", "error", "any"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Check(_Strict):
    """Operators on one argument value; every one given must hold."""

    equals: Any = Field(default=None, description="Equal (strings case-insensitively).")
    one_of: list[Any] | None = Field(default=None, description="Equal to one of these.")
    contains: str | None = Field(
        default=None,
        description="A string holding this (case-insensitive), or a list with this element.",
    )
    contains_all: list[str] | None = Field(
        default=None, description="Holds every one of these (as `contains`)."
    )
    contains_any: list[str] | None = Field(
        default=None, description="Holds at least one of these (as `contains`)."
    )
    not_contains: list[str] | None = Field(
        default=None, description="Holds none of these (as `contains`)."
    )
    matches: str | None = Field(default=None, description="A Python regex searched in the value.")
    lte: float | None = Field(default=None, description="A number at most this.")
    gte: float | None = Field(default=None, description="A number at least this.")
    absent: bool | None = Field(
        default=None, description="True: the argument is missing or null; False: it is given."
    )

    @model_validator(mode="after")
    def _one_operator_at_least(self) -> Check:
        if not self.model_fields_set:
            raise ValueError("a check needs at least one operator")
        return self


ArgConstraint = str | int | float | bool | list[Any] | Check
"""A plain value (equal; lists as multisets) or a `Check`."""


class ExpectCall(_Strict):
    """A tool call the assistant must make in this turn."""

    tool: str = Field(description="The tool's name, e.g. 'search_products'.")
    status: CallStatus = Field(
        default="ok",
        description="How the call must end: 'ok' it ran, 'pending' a change waiting for the "
        "shopper's yes, 'refused' by store policy, 'error' a tool error, 'any'.",
    )
    args: dict[str, ArgConstraint] = Field(
        default_factory=dict,
        description="Constraints on its arguments by dotted path, e.g. 'filters.max_price'.",
    )


class ReplyExpect(_Strict):
    """What the reply shown to the shopper must and must not say (case-insensitive)."""

    contains: list[str] = Field(default_factory=list, description="Every one must appear.")
    contains_any: list[str] = Field(default_factory=list, description="At least one must appear.")
    not_contains: list[str] = Field(default_factory=list, description="None may appear.")
    matches: str | None = Field(default=None, description="A Python regex searched in the reply.")


class TurnExpect(_Strict):
    """What must hold after one turn."""

    calls: list[ExpectCall] = Field(
        default_factory=list, description="Calls that must happen (any order, others allowed)."
    )
    no_calls: list[str] = Field(
        default_factory=list, description="Tools that must not be called at all this turn."
    )
    no_tools: bool = Field(default=False, description="True: no tool may be called this turn.")
    pending: str | None = Field(
        default=None,
        description="The change that must wait for confirmation after the turn (a tool name), "
        "or 'none' for nothing pending. Unset: not checked.",
    )
    reply: ReplyExpect = Field(default_factory=ReplyExpect)


class Turn(_Strict):
    """One message and what the assistant must do with it."""

    user: str = Field(min_length=1, description="The shopper's (or merchant's) message.")
    expect: TurnExpect = Field(default_factory=TurnExpect)
    note: str | None = Field(default=None, description="Why this turn is here, for readers.")


class OrderState(_Strict):
    """Expected fields of one order at the end; fields left out are not checked."""

    status: str | None = None
    item_ids: list[str] | None = Field(default=None, description="The order's items (multiset).")
    return_items: list[str] | None = None
    exchange_items: list[str] | None = None
    exchange_new_items: list[str] | None = None
    address: dict[str, str] | None = Field(
        default=None, description="Address fields that must hold, e.g. {'zip': '10001'}."
    )
    payment_method_ids: list[str] | None = Field(
        default=None, description="Payment methods of the order's payment history, in order."
    )


class UserState(_Strict):
    """Expected fields of one shopper's profile at the end."""

    address: dict[str, str] | None = None


class CartLine(_Strict):
    """One line of the session's cart."""

    item_id: str
    quantity: int = Field(default=1, ge=1)


class FinalState(_Strict):
    """The store after the dialogue. Orders and users not named must be unchanged."""

    orders: dict[str, OrderState] = Field(default_factory=dict)
    users: dict[str, UserState] = Field(default_factory=dict)
    cart: list[CartLine] | None = Field(
        default=None, description="The exact cart (any order); [] for empty; unset: not checked."
    )
    others_unchanged: bool = Field(
        default=True, description="Every order and user not named above must be unchanged."
    )


class Dialogue(_Strict):
    """One scripted conversation with its expectations."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Unique across all files.")
    category: Category
    title: str = Field(min_length=1, description="What the dialogue tests, in a few words.")
    split: Literal["dev", "test"] = Field(
        default="dev",
        description="'dev': looked at while the assistant is built; 'test': held out, read "
        "only as figures, to confirm on language nobody tuned on.",
    )
    store: Literal["tau2", "beanleaf"] = Field(
        default="tau2",
        description="Which demo store it runs on: 'tau2' (the τ² retail world) or 'beanleaf' "
        "(Bean & Leaf, the generated coffee and tea shop, seed 0).",
    )
    role: Literal["shopper", "merchant"] = "shopper"
    shopper: str | None = Field(
        default=None,
        description="A user id the storefront has already signed in; unset: anonymous.",
    )
    tags: list[Tag] = Field(default_factory=list)
    turns: list[Turn] = Field(min_length=1)
    final: FinalState = Field(default_factory=FinalState)


class DialogueFile(_Strict):
    """One YAML file: a list of dialogues."""

    dialogues: list[Dialogue] = Field(min_length=1)


def json_schema() -> dict[str, Any]:
    """The JSON schema of a dialogue file, generated from the models."""
    return DialogueFile.model_json_schema()


SCHEMA_PATH = Path(__file__).with_name("schema.json")


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the generated JSON schema next to the dialogue files."""
    path.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    print(write_schema())
