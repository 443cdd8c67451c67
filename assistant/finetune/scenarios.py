"""Building blocks of training dialogues: turns, episodes, the conversation they share.

An episode is a generator of `Turn`s (what the shopper says, and the planned completions
of the reference model for that turn). The driver runs each turn through the real dialogue
engine and sends the `TurnOutcome` back into the generator, so an episode can react to what
really happened (a pending change, a failed lookup).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from assistant.engine.outcome import TurnOutcome
from assistant.finetune import answers
from assistant.finetune.oracle import Kind, Observation, PlanError, Step, Target, say, tool_call
from assistant.finetune.phrasebook import GREETINGS
from assistant.finetune.phrasing import Phrasebook, Split, Style, fill, noisy, slots_of
from assistant.finetune.world import DemoWorld


@dataclass
class Turn:
    """One shopper message and the reference model's completions for it."""

    text: str
    steps: list[Step]
    intent: str
    family: str
    expect_errors: int = 0
    """Tool errors or policy refusals this turn is planned to meet (-1: any number)."""


Episode = Generator[Turn, TurnOutcome, None]
EpisodeFactory = Callable[["Conversation"], Episode]


@dataclass
class Conversation:
    """State shared by the episodes of one dialogue."""

    world: DemoWorld
    rng: random.Random
    split: Split
    book: Phrasebook
    user: dict[str, Any]
    """The τ² user playing the shopper."""
    other: dict[str, Any]
    """Another τ² user, whose data the shopper must not get."""
    style: Style
    archetype: str = "mixed"
    """Which episode categories the dialogue draws from (see `datagen.ARCHETYPES`)."""
    emphasis: dict[str, float] = field(default_factory=dict)
    """Factors on named openings, episodes and sign-in modes (see `datagen.emphasis_names`)."""
    authenticated: bool = False
    hits: list[dict[str, Any]] = field(default_factory=list)
    """Results of the last product search shown to the shopper."""
    cart: list[str] = field(default_factory=list)
    used_orders: set[str] = field(default_factory=set)
    turns: int = 0

    @property
    def user_id(self) -> str:
        """The shopper's user id."""
        return str(self.user["user_id"])

    def say(self, intent: str, styled: bool = True, /, **slots: str) -> tuple[str, str]:
        """A shopper message for `intent` from this split's families: (text, family name).

        Only templates whose slots all have values are chosen; `greet` is always available.
        `styled` False keeps the template's words as written (no typos or case changes).
        """
        text, family, _ = self.phrase(intent, styled, **slots)
        return text, family

    def phrase(
        self, intent: str, styled: bool = True, /, **slots: str
    ) -> tuple[str, str, set[str]]:
        """Like `say`, also returning the slots the chosen template used."""
        slots.setdefault("greet", self.rng.choice(GREETINGS))
        family, template = self.book.pick(self.rng, intent, self.split, set(slots))
        style = self.style if styled else None
        return fill(template, slots, self.rng, style), family.name, slots_of(template)

    def slot_noise(self, value: str, scale: float = 0.5) -> str:
        """A free-text slot (product wording, a question) as this shopper would type it."""
        value = noisy(value, self.rng, self.style.typo_rate * scale)
        return value.lower() if self.style.lowercase else value

    def call(self, name: str, **arguments: Any) -> Target:
        """A tool-call target, validated against the live registry."""
        return tool_call(self.world.registry, name, **arguments)

    def fresh_order(self, status: str | None = None) -> dict[str, Any] | None:
        """One of the shopper's orders not used yet in this dialogue."""
        options = [
            o
            for o in self.world.orders_of(self.user_id, status)
            if o["order_id"] not in self.used_orders
        ]
        if not options:
            return None
        order = self.rng.choice(options)
        self.used_orders.add(order["order_id"])
        return order


def reply(kind: Kind, text: str) -> Target:
    """A text completion."""
    return say(kind, text)


def answer_with(build: Callable[[Observation], str], kind: Kind = "answer") -> Step:
    """A step replying with text built from the turn's tool results."""
    return lambda obs: say(kind, build(obs))


def ok_data(obs: Observation, name: str) -> Any:
    """The latest typed result, which the plan expects to be a successful call of `name`."""
    last = obs.last
    if last.name != name or not last.ok:
        raise PlanError(f"expected a successful {name} result, got {last.name}: {last.error}")
    return last.result


SIGN_IN_MODES: dict[str, float] = {"first": 0.35, "ask": 0.4, "bad_email": 0.1, "user_id": 0.15}
"""How a shopper who is not signed in meets a request that needs it, with weights: identity
given with the request, asked for after it, a mistyped email first, or only a user id first.
In all but "first" the request is several messages back when the order has been looked up.
`emphasis` weighs a mode as `identify_<mode>`."""


def identify(
    conv: Conversation, request: str, request_family: str, intent: str, rest: list[Step]
) -> Generator[Turn, TurnOutcome, TurnOutcome]:
    """Carry out a request that needs an authenticated shopper.

    Already authenticated: one turn, the request and `rest`. Otherwise the shopper either
    gives their identity with the request, or is asked for it first (sometimes after a
    mistyped email that finds nobody, or after offering only a user id).
    """
    user = conv.user
    if conv.authenticated:
        return (yield Turn(request, rest, intent, request_family))
    rng = conv.rng
    slots, by_email, by_name = _identity(conv)
    weights = [w * conv.emphasis.get(f"identify_{m}", 1.0) for m, w in SIGN_IN_MODES.items()]
    mode = rng.choices(list(SIGN_IN_MODES), weights=weights, k=1)[0]
    use_email = rng.random() < 0.6
    if mode == "first":
        kind = "idfirst"
        text, family = conv.say(kind, request=request, **slots)
        # The family decides which identity it carries: read it from the text.
        call = by_email if user["email"] in text else by_name
        outcome = yield Turn(text, [call, *rest], intent, f"{request_family}+{family}")
        conv.authenticated = True
        return outcome
    if mode == "user_id":
        text, family = conv.say("userid_only", request=request, user_id=conv.user_id)
        yield Turn(text, [reply("ask", answers.ASK_IDENTITY_NOT_USER_ID)], intent, family)
    else:
        yield Turn(request, [reply("ask", answers.ASK_IDENTITY)], intent, request_family)
    if mode == "bad_email":
        wrong = _mistyped_email(user["email"], rng)
        text, family = conv.say("email", email=wrong)
        bad = conv.call("find_user_id_by_email", email=wrong)
        yield Turn(text, [bad, reply("ask", answers.ASK_IDENTITY_AGAIN)], "identity", family, 1)
        use_email = False
    text, family, call = give_identity(conv, use_email)
    outcome = yield Turn(text, [call, *rest], intent, family)
    conv.authenticated = True
    return outcome


def give_identity(conv: Conversation, use_email: bool) -> tuple[str, str, Target]:
    """The shopper's message giving their email (or name and zip code), its family, and the
    lookup call it asks for."""
    slots, by_email, by_name = _identity(conv)
    if use_email:
        text, family = conv.say("email", **slots)
        return text, family, by_email
    text, family = conv.say("namezip", **slots)
    return text, family, by_name


def _identity(conv: Conversation) -> tuple[dict[str, str], Target, Target]:
    """The shopper's identity slots and the two lookup calls that find them."""
    user, name = conv.user, conv.user["name"]
    slots = {
        "email": user["email"],
        "first": name["first_name"],
        "last": name["last_name"],
        "zip": user["address"]["zip"],
    }
    by_email = conv.call("find_user_id_by_email", email=slots["email"])
    by_name = conv.call(
        "find_user_id_by_name_zip",
        first_name=slots["first"],
        last_name=slots["last"],
        zip=slots["zip"],
    )
    return slots, by_email, by_name


def _mistyped_email(email: str, rng: random.Random) -> str:
    local, _, domain = email.partition("@")
    cut = rng.randrange(1, len(local) - 1)
    return f"{local[:cut]}{local[cut + 1 :]}x@{domain}"


def confirm_or_decline(
    conv: Conversation, outcome: TurnOutcome, name: str, decline_rate: float = 0.15
) -> Generator[Turn, TurnOutcome, bool]:
    """The shopper's answer to the engine's confirmation request, and the reply after it.

    Returns True when the shopper said yes.
    """
    if outcome.pending_action is None or outcome.pending_action["name"] != name:
        raise PlanError(f"expected a pending {name}, the engine has {outcome.pending_action}")
    if conv.rng.random() < decline_rate:
        text, family = conv.say("no", False)
        yield Turn(text, [reply("chat", answers.DECLINED)], "decline", family)
        return False
    # Unstyled: a mistyped "yes" is not an explicit yes, and the change would not run.
    text, family = conv.say("yes", False)
    done = answer_with(lambda obs: answers.change_done(name, obs.last.result, obs.last.error))
    yield Turn(text, [done], "confirmed", family, expect_errors=-1)
    return True
