"""Which record ids a tool call may name: only ids the conversation has shown.

A small model that has not seen an order id writes a placeholder (`#W0000000`), a tool name
or an item id with `#` in front, and the call fails or, worse, names someone else's order.
The grammar in `tool_format` closes that: an id argument must be one of the ids shown in the
conversation so far, by the shopper, by a tool result or in the session facts.

An id here is a word of letters, digits and `#_.@+-` with at least one digit or an `@`
(prices and dates qualify too, harmlessly: the model would have to write one as an id).
Which arguments are ids is read off their names, the names the store's tools use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from assistant.llm.types import Message

#: Arguments that name a record of the store, by the parameter names of the tools.
REFERENCE_ARGUMENTS = frozenset(
    {
        "order_id",
        "user_id",
        "payment_method_id",
        "product_id",
        "item_id",
        "item_ids",
        "new_item_ids",
        "ids",
        "email",
    }
)

_WORD = re.compile(r"[\w#@.+-]+")
_BARE_ORDER_ID = re.compile(r"[A-Za-z]{1,3}\d{4,}")
_EDGES = ".+-"


def id_words(text: str) -> set[str]:
    """The id-like words of `text`: with a digit or an `@`, trailing punctuation dropped."""
    words = set()
    for match in _WORD.finditer(text):
        word = match.group().strip(_EDGES)
        if any(c.isdigit() for c in word) or "@" in word:
            words.add(word)
    return words


@lru_cache(maxsize=1)
def _rule_words() -> frozenset[str]:
    """Ids the shipped rules use as examples (`#W0000000`): never a shown id."""
    from prompts import read_prompt

    return frozenset(id_words(read_prompt("system.md")))


def _texts(message: Message) -> Iterable[str]:
    """The message's text and the arguments of the calls it made (not their call ids)."""
    yield str(message.get("content") or "")
    for call in message.get("tool_calls") or []:
        yield str(call.get("function", {}).get("arguments", ""))


def shown_ids(messages: Sequence[Message]) -> set[str]:
    """Every id the conversation has shown so far, except the rules' examples."""
    words: set[str] = set()
    for message in messages:
        for text in _texts(message):
            words |= id_words(text)
    return words - _rule_words()


def candidates(argument: str, shown: Iterable[str]) -> list[str]:
    """The shown ids that argument `argument` may take, sorted.

    Order ids start with `#` (the order tools say so); one typed without it (`W1234567`:
    a few letters, then four digits or more) is offered with it. Emails need an `@`. Other
    ids need a digit.
    """
    if argument == "order_id":
        ids = {s for s in shown if s.startswith("#")}
        ids |= {f"#{s}" for s in shown if _BARE_ORDER_ID.fullmatch(s)}
    elif argument == "email":
        ids = {s for s in shown if "@" in s}
    else:
        ids = {s for s in shown if "@" not in s and any(c.isdigit() for c in s)}
    return sorted(ids)
