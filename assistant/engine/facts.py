"""What the conversation knows, as typed records: the shopper's profile, orders, products, lists.

Read from the tool results the model is shown (so the engine decides on exactly what the
conversation showed), with the records of the current turn told apart from earlier ones: an
order change is proposed on an order read in this turn, never on a stale copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.engine.shown import results_in
from assistant.llm.types import Message
from assistant.store.models import Order, Product, User
from assistant.tools.registry import ToolRegistry
from assistant.tools.results import Cart, CatalogProduct, ProductCopy, SearchResults


@dataclass
class Facts:
    """The records of a conversation, the latest of each."""

    user: User | None = None
    orders: dict[str, Order] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    """Products with their variants as the store holds them (`get_product_details`)."""
    catalog_products: dict[str, CatalogProduct] = field(default_factory=dict)
    search: SearchResults | None = None
    cart: Cart | None = None
    copy: ProductCopy | None = None
    """The latest listing written for the merchant."""
    read_now: set[str] = field(default_factory=set)
    """Ids of the orders, products and profile read in the current turn."""
    called_now: list[str] = field(default_factory=list)
    """Tools that returned a result in the current turn, in order."""
    failed_now: list[str] = field(default_factory=list)
    """Tools that failed or were refused in the current turn."""

    def add(self, result: Any, now: bool) -> None:
        """Record one tool result (`now`: it came in the current turn)."""
        key: str | None = None
        if isinstance(result, User):
            self.user, key = result, result.user_id
        elif isinstance(result, Order):
            self.orders[result.order_id] = result
            key = result.order_id
        elif isinstance(result, Product):
            self.products[result.product_id] = result
            key = result.product_id
        elif isinstance(result, CatalogProduct):
            self.catalog_products[result.product_id] = result
            key = result.product_id
        elif isinstance(result, SearchResults):
            self.search = result
        elif isinstance(result, Cart):
            self.cart = result
        elif isinstance(result, ProductCopy):
            self.copy, key = result, result.product_id
        if now and key is not None:
            self.read_now.add(key)


def _turn_start(messages: Sequence[Message]) -> int:
    users = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    return users[-1] if users else 0


def facts_of(messages: Sequence[Message], registry: ToolRegistry) -> Facts:
    """The facts the conversation's tool results hold."""
    facts = Facts()
    start = _turn_start(messages)
    names: dict[str, str] = {}
    for index, message in enumerate(messages):
        for call in message.get("tool_calls") or []:
            names[str(call.get("id"))] = str(call.get("function", {}).get("name", ""))
        if message.get("role") != "tool":
            continue
        now = index > start
        results = list(results_in([message], registry))
        name = names.get(str(message.get("tool_call_id")), "")
        if results:
            facts.add(results[0], now)
            if now:
                facts.called_now.append(name)
        elif now:
            facts.failed_now.append(name)
    return facts
