"""Episodes without store data: refusals, transfers to a human, greetings and thanks."""

from __future__ import annotations

from assistant.finetune import answers
from assistant.finetune.scenarios import Conversation, Episode, Turn, answer_with, reply


def other_person(conv: Conversation) -> Episode:
    """A request about another shopper's data: refused without touching any tool."""
    other = conv.other
    text, family = conv.say(
        "other_person",
        other_first=other["name"]["first_name"],
        other_last=other["name"]["last_name"],
        other_email=other["email"],
    )
    yield Turn(text, [reply("refuse", answers.REFUSE_OTHER_PERSON)], "other_person", family)


def injection(conv: Conversation) -> Episode:
    """An attempt to override the store's rules."""
    text, family = conv.say("injection")
    yield Turn(text, [reply("refuse", answers.REFUSE_RULES)], "injection", family)


def off_topic(conv: Conversation) -> Episode:
    """Something the store's assistant is not for."""
    text, family = conv.say("offtopic")
    yield Turn(text, [reply("refuse", answers.REFUSE_OFF_TOPIC)], "offtopic", family)


def human(conv: Conversation) -> Episode:
    """The shopper asks for a person, or has an issue no tool can handle: transfer, with the
    shopper's own message as the summary."""
    intent = "human" if conv.rng.random() < 0.6 else "complaint"
    text, family = conv.say(intent)
    steps = [
        conv.call("transfer_to_human_agents", summary=text),
        answer_with(lambda obs: answers.TRANSFERRED),
    ]
    yield Turn(text, steps, "transfer", family)


def greet(conv: Conversation) -> Episode:
    """A greeting."""
    text, family = conv.say("greet", greet="")
    yield Turn(text, [reply("chat", answers.GREETING)], "greet", family)


def thanks(conv: Conversation) -> Episode:
    """Thanks at the end."""
    text, family = conv.say("thanks")
    yield Turn(text, [reply("chat", answers.WELCOME)], "thanks", family)
