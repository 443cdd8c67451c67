"""The store policy, enforced in code. The system prompt tells the model the same rules, but
a small model cannot be trusted to keep them, so every tool call passes through here.

Rules, read off each tool's metadata (`assistant.tools.registry.Tool`):
1. Identity: a successful identity lookup (`identifies`) signs the shopper in: it sets
   `session.user_id`.
2. One shopper per conversation: a lookup that resolves to a different user is refused and
   its result withheld.
3. Order and profile data (`needs_auth`) only after sign-in.
4. Ownership: the argument naming the record a tool acts on (`owner`: an order or a user)
   must name the signed-in shopper's own. A missing order and another shopper's order get
   the same refusal, so nothing is revealed.
5. Confirmation: a `CHANGE` tool never runs when the model asks for it. The engine stores it
   as the session's pending action and shows a deterministic summary; only an explicit yes
   in the shopper's next message runs exactly that action. Anything else drops it.
6. A bounded number of tool rounds per turn.

Refusals reach the model as tool errors and are counted in the turn's metrics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.identity.gate import SIGN_IN_ON_STORE
from assistant.store.models import SessionState
from assistant.tools.registry import Tool, ToolKind

NOT_AUTHENTICATED = (
    "refused by store policy: the shopper is not authenticated yet. Ask for their email "
    "address (or first name, last name and zip code) and look up their user id first."
)
NOT_SIGNED_IN_ON_STORE = (
    "refused by store policy: the shopper is not signed in. Ask them to sign in on the store's "
    "website; this chat cannot look accounts up."
)
NOT_YOURS = (
    "refused by store policy: no such {what} is available for the authenticated shopper in "
    "this conversation. Order ids look like '#W0000000'."
)
ONE_SHOPPER = (
    "refused by store policy: this conversation is already authenticated for one shopper, "
    "and only that shopper can be helped here. The lookup result is withheld."
)

_YES = re.compile(
    r"^(yes|yeah|yep|yup|y|sure|confirm|confirmed|i confirm|correct|that's correct|"
    r"go ahead|please go ahead|proceed|please proceed|do it|please do)\b"
)
# Words that turn a "yes" into a conditional or a change of plan: not an explicit yes.
_HEDGES = frozenset(
    {
        "no", "not", "don't", "dont", "wait", "stop", "but", "however", "instead",
        "change", "actually", "except", "unless", "before", "first", "hold", "never",
    }
)  # fmt: skip
_MAX_YES_WORDS = 12
_AGREES = frozenset(
    {
        "ok", "okay", "alright", "right", "good", "great", "perfect", "fine", "works", "sure",
        "absolutely", "definitely", "course", "yes", "yeah", "yep", "yup", "cool", "awesome",
        "lovely", "excellent", "exactly", "correct", "agreed", "deal",
    }
)  # fmt: skip
# A message made only of these words agrees ("ok sounds good", "alright then", "perfect, yes")
# when it has at least one of _AGREES and two words or more (a bare "ok" may only acknowledge).
_AGREEMENT = _AGREES | frozenset(
    {
        "all", "sounds", "sound", "for", "me", "by", "that", "that's", "thats", "it", "is",
        "it's", "let's", "lets", "do", "go", "ahead", "please", "thanks", "thank", "you", "of",
        "then", "with",
    }
)  # fmt: skip


def _words(text: str) -> list[str]:
    """The message's words, lower-cased, typographic apostrophes made plain."""
    return re.findall(r"[a-z']+", text.lower().replace("’", "'"))


@dataclass(frozen=True)
class Decision:
    """The verdict on one tool call."""

    allowed: bool
    reason: str = ""
    """The error text the model sees when refused."""
    needs_confirmation: bool = False
    """Allowed, but only after the shopper's explicit yes."""


ALLOW = Decision(True)
CONFIRM = Decision(True, needs_confirmation=True)


def refuse(reason: str) -> Decision:
    """A refusal the model sees as `Error: <reason>`."""
    return Decision(False, reason)


class Policy:
    """Checks every tool call against the store policy.

    Args:
        order_owner: Returns the user id an order belongs to, or None when there is no such
            order. Used for the ownership rule.
        max_tool_rounds: Model calls that may ask for tools in one turn.
        lookups_allowed: Whether the chat may look accounts up at all (not in `storefront`
            identity mode, where the shop signs its shoppers in).
    """

    def __init__(
        self,
        order_owner: Callable[[str], str | None],
        max_tool_rounds: int = 4,
        lookups_allowed: bool = True,
    ):
        if max_tool_rounds < 1:
            raise ValueError(f"max_tool_rounds must be at least 1, got {max_tool_rounds}")
        self.order_owner = order_owner
        self.max_tool_rounds = max_tool_rounds
        self.lookups_allowed = lookups_allowed
        self.not_authenticated = NOT_AUTHENTICATED if lookups_allowed else NOT_SIGNED_IN_ON_STORE

    def check_call(
        self,
        tool: Tool,
        arguments: Mapping[str, Any],
        session: SessionState,
        *,
        confirmed: bool = False,
    ) -> Decision:
        """May `tool` run with these (validated) arguments in this session now?

        Args:
            tool: The registered tool.
            arguments: Its validated arguments.
            session: The conversation's state (authenticated user).
            confirmed: True only when the shopper has just said yes to exactly this call.
        """
        if tool.identifies:
            return ALLOW if self.lookups_allowed else refuse(SIGN_IN_ON_STORE)
        if (tool.needs_auth or tool.owner is not None) and session.user_id is None:
            return refuse(self.not_authenticated)
        subject = arguments.get(tool.owner) if tool.owner is not None else None
        if tool.owner == "user_id" and subject != session.user_id:
            return refuse(NOT_YOURS.format(what="user"))
        if tool.owner == "order_id" and self.order_owner(str(subject)) != session.user_id:
            return refuse(NOT_YOURS.format(what="order"))
        if tool.kind is ToolKind.CHANGE and not confirmed:
            return CONFIRM
        return ALLOW

    def check_identity(self, user_id: str, session: SessionState) -> Decision:
        """May a successful identity lookup that found `user_id` stand in this session?

        The first lookup authenticates the shopper; a later one must find the same user.
        """
        if session.user_id is None or session.user_id == user_id:
            return ALLOW
        return refuse(ONE_SHOPPER)

    @staticmethod
    def authenticate(session: SessionState, user_id: str) -> None:
        """Record the authenticated shopper (after `check_identity` allowed it)."""
        session.user_id = user_id


def is_explicit_yes(text: str) -> bool:
    """True when the shopper's message is a plain, unconditional yes.

    "Yes", "yes please", "Yes, go ahead.", "ok sounds good" count; "yes but use my other
    card", "yes?", a bare "ok" and "no" do not. Only a plain yes may run a pending change.
    """
    if "?" in text:
        return False
    words = _words(text)
    if not words or len(words) > _MAX_YES_WORDS:
        return False
    if _HEDGES.intersection(words):
        return False
    if len(words) >= 2 and _AGREES.intersection(words) and _AGREEMENT.issuperset(words):
        return True
    return bool(_YES.match(" ".join(words)))


def is_conditional_yes(text: str) -> bool:
    """True when the message agrees, then adds a condition: "yes, but keep the laptop"."""
    words = _words(text)
    if not words or not _HEDGES.intersection(words):
        return False
    return words[0] in _AGREES or bool(_YES.match(" ".join(words)))
