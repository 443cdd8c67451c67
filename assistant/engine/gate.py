"""The engine's hold on each turn: what may be offered, called, completed and confirmed.

One object joins the parts that keep the model to the conversation: the request detector and
the tools it offers (`offer`), the holds on arguments (`shown`, `sources`), the search
arguments completed from the shopper's words (`completion`) and the judgement of a
confirmation (`confirm`). Without a request detector every tool is offered, but arguments are
still held to their sources.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.engine.catalog_ids import CatalogIdMap
from assistant.engine.completion import complete_search
from assistant.engine.confirm import Verdict, judge
from assistant.engine.offer import (
    Offer,
    breaks,
    call_rules,
    change_kinds,
    offered_tools,
    open_flow,
)
from assistant.engine.requests import NONE, RequestDetector, Requests, clauses
from assistant.engine.shown import shown_ids
from assistant.engine.sources import own_words, shopper_texts
from assistant.llm.types import CallRules, Message
from assistant.store.models import (
    CreditCard,
    GiftCard,
    OrderItem,
    Paypal,
    SessionState,
    TurnRecord,
)
from assistant.store.order_ids import OrderIdPattern
from assistant.tools.registry import Tool, ToolRegistry
from retrieval.query import parse_query

_VOCAB_WORD = re.compile(r"[a-z][a-z0-9-]+")
_TURNED_DOWN = re.compile(
    r"\b(?:don'?t|do not|dont|no need to|please don'?t|not going to|won'?t)\s+(?:\w+\s+){0,2}?"
    r"(?P<verb>cancel|return|exchange|swap|change|switch|modify|do (?:it|that|this))\b"
    r"|\b(?:leave|keep) (?:it|the order|everything) (?:as it is|as is|the way it is)\b",
    re.IGNORECASE,
)
"""A change the shopper turns down in words ("don't cancel it, leave it as is")."""
_VERB_KINDS = {"cancel": "cancel", "return": "return", "exchange": "swap", "swap": "swap"}

log = logging.getLogger(__name__)


def turned_down(text: str, requests: Requests) -> Requests:
    """The requests with a change the shopper turns down in words read as a decline: the
    change named after the negation is not asked for ("don't cancel it")."""
    found = list(_TURNED_DOWN.finditer(text))
    if not found:
        return requests
    negated = {_VERB_KINDS.get((m.group("verb") or "").lower(), "") for m in found}
    kinds = (requests.kinds - negated) | {"decline"}
    ordered = (*(k for k in requests.ordered if k not in negated), "decline")
    return Requests(frozenset(kinds), requests.scores, tuple(dict.fromkeys(ordered)))


class Gate:
    """Decides, for one engine, what each turn offers and allows.

    Args:
        registry: The engine's tools.
        detector: Detects what the shopper asks for; None offers every tool.
        catalog: The product index (its vocabulary completes searches and fixes spelling).
        faq: The store's help pages: a question none of the request kinds claims, that a page
            answers closely, is a help question.
        hold_arguments: Hold ids to the records the conversation showed and the values a
            shopper gives (identity, queries) to the shopper's words; off, only the tools
            offered are held.
    """

    def __init__(
        self,
        registry: ToolRegistry,
        detector: RequestDetector | None = None,
        catalog: Any | None = None,
        faq: Any | None = None,
        *,
        hold_arguments: bool = True,
    ) -> None:
        self.registry = registry
        self.detector = detector
        self.catalog = catalog
        self.faq = faq
        self.hold_arguments = hold_arguments
        self._words: tuple[int, frozenset[str]] = (0, frozenset())

    def detect(self, text: str, *, fine: bool = False) -> Requests:
        """What `text` asks for (nothing without a detector)."""
        if self.detector is None:
            return NONE
        return self.detector.detect(own_words(text), fine=fine)

    def offer(self, text: str, past: Sequence[TurnRecord], session: SessionState) -> Offer:
        """The tools this turn offers: this message's requests and the flow still open."""
        if self.detector is None:
            names = frozenset(t.name for t in self.registry)
            return Offer(frozenset(), names)
        earlier = [self.detect(t.user_message) for t in past]
        done = [c.name for t in past for c in t.tool_calls if not c.error and not c.blocked]
        answered = [
            c for c in (past[-1].tool_calls if past else []) if not c.error and not c.blocked
        ]
        unserved = bool(past) and all(
            c.name in self.registry and self.registry.get(c.name).identifies for c in answered
        )
        flow = open_flow(earlier, done, self.registry, unserved)
        detected = self.detect(text)
        now = self.with_pages(text, detected)
        if now is detected:  # not a help question the pages answer: perhaps a product search
            now = self.with_catalog(text, detected)
        now = turned_down(own_words(text), now)
        now = _answering(now, flow, text)
        if "decline" in now.kinds:
            # "Don't cancel it": the change the shopper turns down is not asked for again; a
            # change the flow did not hold ("no, exchange it instead") still is.
            changes = change_kinds(self.registry)
            dropped = set(flow) & changes
            now = Requests(
                now.kinds - dropped, now.scores, tuple(k for k in now.ordered if k not in dropped)
            )
            flow = tuple(k for k in flow if k not in changes)
        return offered_tools(self.registry, now, flow, session)

    def questions(self, text: str) -> tuple[str, ...]:
        """The clauses of `text` that ask about the store's policies, one per question
        ("how fast is express shipping, and do you deliver to apartments?"); else the text."""
        own = own_words(text)
        parts = clauses(own)[1:]
        if self.detector is None or not parts:
            return (own,)
        asking = []
        for part in parts:
            scores = self.detect(part).scores
            if scores and max(scores, key=lambda k: scores[k]) == "faq":
                asking.append(part)
        return tuple(asking) or (own,)

    def with_catalog(self, text: str, requests: Requests) -> Requests:
        """The requests, read with the catalog: a message naming a kind of product the store
        sells, and asking for nothing else the store does, is a search."""
        if not self.names_a_kind(text):
            return requests
        other = requests.kinds - {"out_of_scope", "greeting", "recommend", "faq", "identity"}
        if other:
            return requests
        ordered = ("search", *(k for k in requests.ordered if k != "out_of_scope"))
        return Requests(frozenset(ordered), requests.scores, ordered)

    def with_pages(self, text: str, requests: Requests) -> Requests:
        """The requests, read with the store's help pages: a question no kind of request the
        store serves claims ("what temperature for green tea?") is a help question when one of
        the pages answers it closely."""
        if self.faq is None or requests.kinds - {"out_of_scope", "greeting"}:
            return requests
        if not _QUESTION.search(text):
            return requests
        try:
            passages = self.faq.search(own_words(text), k=1)
        except Exception:  # the pages index being down must not stop the turn
            log.exception("help pages search failed")
            return requests
        if not passages or passages[0].score < PAGE_MATCH:
            return requests
        kinds = (requests.kinds - {"out_of_scope"}) | {"faq"}
        ordered = ("faq", *(k for k in requests.ordered if k != "out_of_scope"))
        return Requests(frozenset(kinds), requests.scores, ordered)

    def vocabulary_words(self) -> frozenset[str]:
        """The catalog's words (types, options, brands), for spelling fixes of query words."""
        if self.catalog is None:
            return frozenset()
        vocab = self.catalog.vocabulary
        if self._words[0] != id(vocab):
            texts = [*vocab.product_types.values(), *vocab.brands.values()]
            texts += [v for values in vocab.option_values.values() for v in values]
            words = {w for text in texts for w in _VOCAB_WORD.findall(text.lower())}
            self._words = (id(vocab), frozenset(words))
        return self._words[1]

    def catalog_ids(self) -> CatalogIdMap:
        """The catalog's item and product ids (none without a catalog)."""
        return self.catalog.vocabulary.ids if self.catalog is not None else {}

    def kinds_named(self, text: str) -> tuple[str, ...]:
        """The catalog's product types `text` names."""
        if self.catalog is None:
            return ()
        return tuple(parse_query(text, self.catalog.vocabulary).filters.product_types)

    def names_an_option(self, text: str) -> bool:
        """Whether `text` names an option value of the catalog (a colour, a size, ...)."""
        if self.catalog is None:
            return False
        return bool(parse_query(text, self.catalog.vocabulary).filters.options)

    def names_a_kind(self, text: str) -> bool:
        """Whether `text` names a product type of the catalog."""
        return bool(self.kinds_named(text))

    def rules(self, offer: Offer, messages: Sequence[Message]) -> CallRules:
        """The rules of one model call over `messages`."""
        if not self.hold_arguments:
            return CallRules(tools=offer.tools)
        shown = shown_ids(messages, self.registry, self.catalog_ids())
        return call_rules(offer, shown, shopper_texts(messages), self.vocabulary_words())

    def breaks(self, tool: Tool, arguments: Mapping[str, Any], rules: CallRules) -> str | None:
        """Why a call breaks `rules`, or None."""
        return breaks(tool, dict(arguments), rules)

    def complete(
        self, name: str, arguments: dict[str, Any], text: str, history: Sequence[Message]
    ) -> dict[str, Any]:
        """A call's arguments completed from the shopper's words (searches only)."""
        if name != "search_products" or self.catalog is None or not isinstance(arguments, dict):
            return arguments
        return complete_search(arguments, text, self.catalog.vocabulary, _last_search(history))

    def confirmation(
        self,
        pending: Mapping[str, Any],
        text: str,
        ordered: Sequence[OrderItem],
        order_ids_like: OrderIdPattern | None = None,
        methods: Sequence[CreditCard | Paypal | GiftCard] = (),
        elsewhere: Sequence[OrderItem] = (),
    ) -> Verdict:
        """What the shopper's message does to the change waiting for their yes."""
        requests = self.detect(text, fine=True)
        return judge(
            pending, text, requests, self.registry, ordered, order_ids_like, methods, elsewhere
        )


def _last_search(history: Sequence[Message]) -> dict[str, Any] | None:
    """The arguments of the search before the one being completed (the history's last search
    call is that one: a round's calls join the history before they run)."""
    import json

    searches = [
        call.get("function", {})
        for message in history
        for call in message.get("tool_calls") or []
        if call.get("function", {}).get("name") == "search_products"
    ]
    if len(searches) < 2:
        return None
    try:
        value = json.loads(searches[-2].get("arguments") or "{}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


PAGE_MATCH = 0.45
"""How close (cosine) a help page must be to a question no request kind claims for the question
to count as a help question. On the demo store's pages, off-topic questions ("a recipe for
pancakes", "book me a flight") score below 0.25 and help questions above 0.5."""
_QUESTION = re.compile(
    r"\?|^\s*(?:how|what|which|when|where|why|who|is|are|do|does|can|could|should|would|will)\b",
    re.IGNORECASE,
)
_TAKES_A_METHOD = frozenset({"swap", "return"})
"""Changes in progress that ask which payment method pays or receives the difference."""
_SHORT_ANSWER = 8


def _answering(now: Requests, flow: Sequence[str], text: str) -> Requests:
    """The message's requests, without a payment change when the message only names a payment
    method for a change in progress ("use the gift card" after "which card should pay the
    difference?"): it answers that change's question."""
    if "payment" not in now.kinds or not _TAKES_A_METHOD & set(flow):
        return now
    if not now.kinds <= {"payment", "confirm"} or len(text.split()) > _SHORT_ANSWER:
        return now
    if re.search(r"\d{5,}", text):
        return now  # an order id: a change of that order's payment
    return Requests(
        now.kinds - {"payment"}, now.scores, tuple(k for k in now.ordered if k != "payment")
    )
