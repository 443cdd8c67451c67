"""Which record ids a tool call may name: ids the conversation has shown, where they belong.

A small model that has not seen an order id writes a placeholder (`#W0000000`), a tool name
or an item id with `#` in front, and the call fails or, worse, names someone else's order.
The grammar in `tool_format` closes that: an id argument must be one of the ids shown in the
conversation so far, by the shopper, by a tool result or in the session facts.

Some arguments are held closer, to where such an id can come from:

- `item_ids` of an order change: items of an order a tool has returned;
- `new_item_ids`: available variants of a product a tool has returned, not items already
  ordered (an exchange needs the product's variants looked up first), and of those the
  ones that take the option values the shopper named (`order_changes`);
- `payment_method_id`: the shopper's payment methods or an order's payments, as returned.

And when the shopper's latest message names ids, or points at lines of the last list the
assistant showed ("the second one", "the first and third"), an argument that can take one
of those takes one of those.

An id here is a word of letters, digits and `#_.@+-` with at least one digit or an `@`
(prices and dates qualify too, harmlessly: the model would have to write one as an id).
Which arguments are ids is read off their names, the names the store's tools use. The
records come typed: each tool result in the messages is revived as its tool's result type.
The engine turns what was shown into argument holds for the model's grammar (`holds`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant.engine.catalog_ids import CatalogIdMap, typed_ids
from assistant.engine.order_changes import Stock, items_named, wanted_variants
from assistant.llm.quoting import quoted_tool_name, unquote_tool_result
from assistant.llm.types import ArgumentHold, Message
from assistant.store.models import Order, OrderItem, Product, User
from assistant.tools.registry import ToolRegistry
from assistant.tools.results import Cart, CatalogProduct, Comparison, SearchResults, UserId

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
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
}
_ORDINAL = "|".join(_ORDINALS)
#: "the second", "the first and the third", "the 2nd, 3rd": positions in a list shown.
_POSITIONS = re.compile(
    rf"\bthe\s+(?:{_ORDINAL})(?:\s*(?:,|and|&)\s*(?:the\s+)?(?:{_ORDINAL}))*\b", re.IGNORECASE
)
_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.*)$")


@dataclass(frozen=True)
class Shown:
    """What the conversation has shown that a tool call may refer to."""

    words: frozenset[str] = frozenset()
    """Every id-like word, except the rules' examples."""
    ordered_items: frozenset[str] = frozenset()
    """Item ids of the orders tool results showed."""
    ordered_twice: frozenset[str] = frozenset()
    """Item ids an order holds more than once."""
    variants: frozenset[str] = frozenset()
    """Available item ids among the product variants tool results showed."""
    wanted_variants: frozenset[str] = frozenset()
    """The variants the shopper's words ask for in an item change (`order_changes`)."""
    payment_methods: frozenset[str] = frozenset()
    """Payment method ids of the shopper's profile or of an order's payments."""
    pointed: tuple[str, ...] = ()
    """Ids the shopper's latest message names, or points at in the last list shown, in order."""
    product_of: Mapping[str, str] = field(default_factory=dict)
    """The product id of each item id a tool result showed (or the shopper typed)."""
    records: frozenset[str] = frozenset()
    """Ids tool results returned and catalog ids the conversation named: ids whatever their
    form, so one without a digit (`ana.abara`, `BL-SCL-WHT`) is one too."""


def _id_matches(text: str) -> Iterator[tuple[int, str]]:
    """Where each id-like word of `text` starts, and the word."""
    for match in _WORD.finditer(text):
        word = match.group().strip(_EDGES)
        if any(c.isdigit() for c in word) or "@" in word:
            yield match.start(), word


def id_words(text: str) -> set[str]:
    """The id-like words of `text`: with a digit or an `@`, trailing punctuation dropped."""
    return {word for _, word in _id_matches(text)}


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


def results_in(messages: Sequence[Message], registry: ToolRegistry) -> Iterator[Any]:
    """Every tool result of `messages`, revived as its tool's result type."""
    for message in messages:
        if message.get("role") != "tool":
            continue
        content = str(message.get("content") or "")
        name = quoted_tool_name(content)
        if name is None or name not in registry:
            continue  # an error, or a result of no known tool: it names no record
        try:
            yield registry.get(name).parse_result(unquote_tool_result(content))
        except ValueError:  # not the store's data: it names no record
            continue


@dataclass
class _Records:
    """The records tool results showed, as the holds need them."""

    ids: set[str] = field(default_factory=set)
    ordered: list[OrderItem] = field(default_factory=list)
    payments: set[str] = field(default_factory=set)
    product_of: dict[str, str] = field(default_factory=dict)
    stock: Stock = field(default_factory=dict)
    listed: list[list[str]] = field(default_factory=list)
    """The ids of each line of the last list a result showed (search hits, cart lines)."""

    def add(self, result: Any) -> None:
        if isinstance(result, Order):
            self.ids |= {result.order_id, result.user_id}
            self.ordered += result.items
            self.payments |= {p.payment_method_id for p in result.payment_history}
            self.ids |= self.payments
            for item in result.items:
                self._item(item.item_id, item.product_id)
        elif isinstance(result, User):
            self.ids.add(result.user_id)
            self.ids |= set(result.orders)  # so `1001` reads as `#1001`, one of theirs
            self.payments |= set(result.payment_methods)
            self.ids |= set(result.payment_methods)
        elif isinstance(result, Product | CatalogProduct):
            variants = result.variants.values() if isinstance(result, Product) else result.variants
            self.ids.add(result.product_id)
            for variant in variants:
                self._item(variant.item_id, result.product_id)
                if variant.available:
                    self.stock.setdefault(result.product_id, {})[variant.item_id] = dict(
                        variant.options
                    )
        elif isinstance(result, SearchResults):
            for hit in result.results:
                self._item(hit.item_id, hit.product_id)
            self.listed = [[h.item_id, h.product_id] for h in result.results]
        elif isinstance(result, Cart):
            for line in result.items:
                self._item(line.item_id, line.product_id)
            self.listed = [[line.item_id, line.product_id] for line in result.items]
        elif isinstance(result, Comparison):
            self.ids |= set(result.ids)
        elif isinstance(result, UserId):
            self.ids.add(result.root)

    def _item(self, item_id: str, product_id: str) -> None:
        self.ids |= {item_id, product_id}
        self.product_of[item_id] = product_id


def _list_lines(text: str) -> list[str]:
    """The lines of a bulleted or numbered list in `text`."""
    return [m.group(1) for line in text.splitlines() if (m := _LIST_LINE.match(line))]


def _positions(text: str) -> Iterator[tuple[int, int]]:
    """Where `text` points at a list position, and the position (1-based; -1: "the last")."""
    for phrase in _POSITIONS.finditer(text):
        for word in re.finditer(_ORDINAL, phrase.group(), re.IGNORECASE):
            yield phrase.start() + word.start(), _ORDINALS[word.group().lower()]


def _said(messages: Sequence[Message]) -> str:
    """Everything the shopper has written, lower-cased."""
    return "\n".join(
        str(m.get("content") or "") for m in messages if m.get("role") == "user"
    ).lower()


def _looks_like_id(word: str) -> bool:
    """An id by its form: an order id, an email, or a long number (no zip, price or count)."""
    return (
        word.startswith("#")
        or "@" in word
        or bool(_BARE_ORDER_ID.fullmatch(word))
        or (word.isdigit() and len(word) >= 6)
    )


def _last_list(messages: Sequence[Message], record_ids: set[str]) -> list[list[str]]:
    """The record ids on each line of the last list the assistant showed, in order."""
    for message in reversed(messages):
        if message.get("role") != "assistant":
            continue
        lines = [
            ids
            for line in _list_lines(str(message.get("content") or ""))
            if (ids := [w for _, w in _id_matches(line) if w in record_ids])
        ]
        if len(lines) >= 2:
            return lines
    return []


def _pointed(
    messages: Sequence[Message], records: _Records, known: CatalogIdMap
) -> tuple[str, ...]:
    """Ids the latest shopper message names (by id, a catalog id of any form, or an ordered
    item by its name), or points at in the last list, in the message's order."""
    users = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    if not users:
        return ()
    record_ids = records.ids
    latest = str(messages[users[-1]].get("content") or "")
    found = [
        (offset, [word])
        for offset, word in _id_matches(latest)
        if word in record_ids or f"#{word}" in record_ids or _looks_like_id(word)
    ]
    found += [(t.start, [t.id]) for t in typed_ids(latest, known)]
    found += [(offset, [item]) for offset, item in items_named(records.ordered, latest)]
    if positions := list(_positions(latest)):
        # The list the assistant wrote, else the last list of records it showed.
        lines = _last_list(messages[: users[-1]], record_ids) or records.listed
        for offset, position in positions:
            index = position - 1 if position > 0 else position
            if -len(lines) <= index < len(lines):
                found.append((offset, lines[index]))
    return tuple(dict.fromkeys(word for _, words in sorted(found) for word in words))


def shown_ids(
    messages: Sequence[Message], registry: ToolRegistry, known: CatalogIdMap | None = None
) -> Shown:
    """What the conversation has shown so far that a tool call may refer to.

    Args:
        messages: The chat messages the model is shown.
        registry: The tools, whose result types revive the tool results in `messages`.
        known: The catalog's ids (`Vocabulary.ids`): one the conversation names is an id
            whatever its form.
    """
    known = known or {}
    words: set[str] = set()
    records = _Records()
    for message in messages:
        for text in _texts(message):
            words |= id_words(text)
            for typed in typed_ids(text, known):
                words.add(typed.id)
                records._item(typed.id, typed.product_id)
    for result in results_in(messages, registry):
        records.add(result)
    ordered_ids = [i.item_id for i in records.ordered]
    in_stock = {i for items in records.stock.values() for i in items}
    wanted = wanted_variants(records.ordered, records.stock, _said(messages))
    return Shown(
        words=frozenset(words - _rule_words()),
        ordered_items=frozenset(ordered_ids),
        ordered_twice=frozenset(i for i in ordered_ids if ordered_ids.count(i) > 1),
        variants=frozenset(in_stock - set(ordered_ids)),
        wanted_variants=frozenset(wanted - set(ordered_ids)),
        payment_methods=frozenset(records.payments),
        pointed=_pointed(messages, records, known),
        product_of=records.product_of,
        records=frozenset(records.ids),
    )


def _of_kind(
    argument: str, words: Iterable[str], records: frozenset[str] = frozenset()
) -> list[str]:
    """The words that can be an id of `argument`'s kind, in their order.

    Order ids start with `#` (the order tools say so); one typed without it (`W1234567`:
    a few letters, then four digits or more; or `1001` when a tool showed `#1001`) is
    offered with it. Emails need an `@`. Other
    ids need a digit, unless they are `records` (ids a tool returned or the catalog holds),
    and are neither order ids nor emails.
    """
    if argument == "order_id":
        return [
            s if s.startswith("#") else f"#{s}"
            for s in words
            if s.startswith("#") or _BARE_ORDER_ID.fullmatch(s) or f"#{s}" in records
        ]
    if argument == "email":
        return [s for s in words if "@" in s]
    return [
        s
        for s in words
        if not s.startswith("#") and "@" not in s and (any(c.isdigit() for c in s) or s in records)
    ]


def _allowed(argument: str, shown: Shown) -> set[str]:
    """Every id `argument` may take: shown, of its kind, from where such ids come."""
    ids = set(_of_kind(argument, shown.words | shown.records, shown.records))
    if argument == "item_ids":
        ids &= shown.ordered_items
    elif argument == "new_item_ids":
        ids &= shown.wanted_variants or shown.variants
    elif argument == "payment_method_id":
        ids &= shown.payment_methods
    return ids


def named(argument: str, shown: Shown) -> list[str]:
    """The ids for `argument` that the shopper's latest message names or points at, in order.

    Shoppers name orders, products, items and emails; user and payment method ids come from
    the tools, so those are never narrowed this way.
    """
    if argument in ("user_id", "payment_method_id"):
        return []
    pointed: Iterable[str] = shown.pointed
    if argument == "product_id":  # pointing at an item points at its product
        pointed = (shown.product_of.get(i, i) for i in pointed)
    allowed = _allowed(argument, shown)
    return [i for i in dict.fromkeys(_of_kind(argument, pointed, shown.records)) if i in allowed]


def ids_in(argument: str, text: str) -> list[str]:
    """The ids of `argument`'s kind written in `text`, in order (order ids with their '#')."""
    return list(dict.fromkeys(_of_kind(argument, (w for _, w in _id_matches(text)))))


def candidates(argument: str, shown: Shown) -> list[str]:
    """The ids `argument` may take: the ones the shopper just named, or else all it may, sorted."""
    return named(argument, shown) or sorted(_allowed(argument, shown))


def holds(shown: Shown) -> dict[str, ArgumentHold]:
    """The hold on every id argument: the ids it may take, and a list the shopper spelled out.

    A list the shopper just spelled out ("compare the second and the third") must be those
    ids, in that order (an item an order holds twice may come twice).
    """
    return {
        argument: ArgumentHold(
            allowed=tuple(candidates(argument, shown)),
            spelled=tuple(spelled := named(argument, shown)),
            repeatable=tuple(i for i in spelled if i in shown.ordered_twice),
        )
        for argument in REFERENCE_ARGUMENTS
    }
