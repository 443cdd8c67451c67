"""Steps for finding products and keeping the cart: search, details, similar, compare, add,
remove, swap and undo, each on the items the shopper pointed at or a search just found."""

from __future__ import annotations

import re

from assistant.engine.catalog_ids import CatalogIdMap, typed_ids
from assistant.engine.order_changes import items_named
from assistant.engine.shown import ids_in
from assistant.engine.situation import Situation, Step, ran
from assistant.engine.sources import described_items, need_words, quantities, search_query
from assistant.store.models import OrderItem
from assistant.tools.results import Cart, SearchResults


def _pointed_products(s: Situation) -> list[str]:
    return [s.shown.product_of.get(i, i) for i in s.shown.pointed if not i.startswith("#")]


_MEASURE = re.compile(r"\d{1,4}(?:[.,]\d+)?[a-z\"'-]{0,6}", re.IGNORECASE)
"""A number or a measure ("6", "6-inch", "32GB"): not a product id."""


def typed_products(text: str, ids: CatalogIdMap | None = None) -> list[str]:
    """The product ids the shopper typed, measures aside: the catalog's ids of any form
    (an item's id stands for its product), else id-like words."""
    known = list(dict.fromkeys(t.product_id for t in typed_ids(text, ids or {})))
    return known or [i for i in ids_in("product_id", text) if not _MEASURE.fullmatch(i)]


def search(s: Situation) -> Step | None:
    if ran(s, "search_products"):
        return None
    earlier = s.facts.search.query if s.facts.search is not None else None
    query = search_query(s.text, earlier, s.names_a_kind)
    return Step("search_products", {"query": query})


def _searched_now(s: Situation) -> bool:
    return "search_products" in s.facts.called_now and s.facts.search is not None


def product_info(s: Situation) -> Step | None:
    if ran(s, "get_product"):
        return None
    products = _pointed_products(s) or typed_products(s.text, s.catalog_ids)
    if products:
        return Step("get_product", {"product_id": products[0], "wanted": s.text})
    if not _searched_now(s):
        return search(s)
    assert s.facts.search is not None
    if not s.facts.search.results:
        return None
    return Step(
        "get_product", {"product_id": s.facts.search.results[0].product_id, "wanted": s.text}
    )


def similar(s: Situation) -> Step | None:
    if ran(s, "similar_products"):
        return None
    products = _pointed_products(s) or typed_products(s.text, s.catalog_ids)
    if not products and not _searched_now(s):
        return search(s)
    if not products:
        products = _distinct_products(s)[:1]
    return Step("similar_products", {"product_id": products[0]}) if products else None


def _distinct_products(s: Situation) -> list[str]:
    hits = s.facts.search.results if s.facts.search is not None else []
    return list(dict.fromkeys(h.product_id for h in hits))


def compare(s: Situation) -> Step | None:
    if ran(s, "compare_products"):
        return None
    pointed = list(dict.fromkeys(i for i in s.shown.pointed if not i.startswith("#")))
    if len(pointed) >= 2:
        return Step("compare_products", {"ids": pointed[:5]})
    if "faq" in s.kinds and not s.names_a_kind:
        return None  # "the difference between standard and express delivery": a policy question
    if not _searched_now(s):
        return search(s)
    products = _distinct_products(s)
    if len(products) < 2:
        hits = s.facts.search.results if s.facts.search is not None else []
        products = list(dict.fromkeys(h.item_id for h in hits))
    return Step("compare_products", {"ids": products[:2]}) if len(products) >= 2 else None


def _pointed_item(s: Situation) -> str | None:
    items = [i for i in s.shown.pointed if not i.startswith("#") and i in s.shown.product_of]
    return items[0] if items else None


_ADD = re.compile(
    r"\b(?:add|put|place|cart|basket|bag|take|grab|get me|buy|order|i'?ll have|want (?:one|two|"
    r"\d+)|carrito|cesta|añade|mete|warenkorb|leg|panier|ajoute)\b",
    re.IGNORECASE,
)


def _add_described(s: Situation, items: list[str], done: int) -> Step | None:
    """One step of adding several described items: search the next one, then add what the
    search found for it."""
    searched = s.facts.called_now.count("search_products")
    if done >= len(items):
        return None
    if searched <= done:
        return Step("search_products", {"query": items[done]})
    assert s.facts.search is not None
    _, count = quantities(items[done], s.catalog_ids)[0]
    return _add_found(s.facts.search, count)


def cart_add(s: Situation) -> Step | None:
    if not _ADD.search(s.text):
        return None  # "thinking of ordering the bike, would a PO box work?" adds nothing
    lines = quantities(s.text, s.catalog_ids)
    done = s.facts.called_now.count("add_to_cart") + s.facts.failed_now.count("add_to_cart")
    if any(item is not None for item, _ in lines):
        if done >= len(lines):
            return None
        item, count = lines[done]
        return Step("add_to_cart", {"item_id": item, "quantity": count})
    described = described_items(s.text, s.kinds_named)
    if described:
        return _add_described(s, described, done)
    if done:
        return None
    _, count = lines[0]
    item = _pointed_item(s)
    if item is None and _searched_now(s):
        assert s.facts.search is not None
        return _add_found(s.facts.search, count)
    if item is None:
        # "add it", "two of those": the item the last search put first, when the message
        # names no new kind of product or option (else it describes another item: search).
        earlier = s.facts.search
        found = [h.item_id for h in earlier.results if h.available] if earlier else []
        if found and not s.names_a_kind and not s.names_an_option:
            item = found[0]
        else:
            return search(s)
    return Step("add_to_cart", {"item_id": item, "quantity": count})


def _add_found(search: SearchResults, count: int) -> Step | None:
    """Add what a search just found for the shopper, only when it is exactly that item and
    it can be bought; otherwise say why not."""
    if not search.results:
        return None
    top = search.results[0]
    if search.note:
        return Step(reply="I couldn't find exactly that item, so I haven't added anything.")
    if not top.available:
        options = ", ".join(top.options.values())
        return Step(reply=f"The {top.name} ({options}) is out of stock, so I can't add it.")
    return Step("add_to_cart", {"item_id": top.item_id, "quantity": count})


_TAKEN = re.compile(
    r"\b(?:take|remove|drop|delete|minus)\s+((?:\d{1,2}|one|two|three|four|five|six|seven|"
    r"eight|nine|ten)\b)",
    re.IGNORECASE,
)


def cart_remove(s: Situation) -> Step | None:
    if ran(s, "remove_from_cart"):
        return None
    if s.facts.cart is None:
        return Step("view_cart", {})
    in_cart = {line.item_id for line in s.facts.cart.items}
    (named, count), *_ = quantities(s.text, s.catalog_ids)
    taken = _TAKEN.search(s.text)
    if taken and named is None:
        # "I only wanted one of them, take two out": the count the removal names.
        (_, count), *_ = quantities(taken.group(1))
    item = named if named in in_cart else None
    if item is None:
        # The latest message says which ("drop the mouse"); earlier ones name every item
        # that went in, so they decide only when they name a single one.
        lines = _as_order_items(s.facts.cart)
        by_name = [i for _, i in items_named(lines, s.text)]
        if not by_name:
            earlier = list(dict.fromkeys(i for _, i in items_named(lines, s.said)))
            by_name = earlier if len(earlier) == 1 else []
        item = by_name[0] if by_name else None
    if item is None and len(in_cart) == 1:
        item = next(iter(in_cart))
    if item is None:
        return Step(reply="Which item should I take out of your cart?")
    return Step("remove_from_cart", {"item_id": item, "quantity": count})


def _as_order_items(cart: Cart) -> list[OrderItem]:
    """The cart's lines in the shape items are named in."""
    return [
        OrderItem(
            name=line.name,
            product_id=line.product_id,
            item_id=line.item_id,
            price=line.unit_price,
            options=line.options,
        )
        for line in cart.items
    ]


_FOR = re.compile(r"\b(?:for|to|with|into)\b(.*)$", re.IGNORECASE | re.DOTALL)


def is_cart_swap(s: Situation) -> bool:
    """A swap that is about the cart: the conversation has a cart, and no order in sight."""
    cart = s.facts.cart
    return bool(cart and cart.items) and not s.facts.orders and not ids_in("order_id", s.typed)


def cart_swap(s: Situation) -> Step | None:
    """Swap a cart line for another item: find the new one, add it, then take the old out."""
    assert s.facts.cart is not None
    done = set(s.facts.called_now) | set(s.facts.failed_now)
    if "remove_from_cart" in done:
        return None
    lines = s.facts.cart.items
    if not _searched_now(s):
        named = [i for _, i in items_named(_as_order_items(s.facts.cart), s.text.lower())]
        old = next((line for line in lines if line.item_id in named), lines[-1])
        wanted = _FOR.search(s.text)
        words = need_words(wanted.group(1) if wanted else s.text)
        return Step("search_products", {"query": " ".join([old.name, *words])})
    assert s.facts.search is not None
    if "add_to_cart" not in done:
        top = s.facts.search.results[0] if s.facts.search.results else None
        if top is None or top.item_id in {line.item_id for line in lines}:
            return Step(reply="I couldn't find another item like that, so your cart is unchanged.")
        return _add_found(s.facts.search, 1)
    added = s.facts.search.results[0]
    old_lines = [line for line in lines if line.item_id != added.item_id]
    same = [line for line in old_lines if line.product_id == added.product_id]
    if not old_lines:
        return None
    gone = (same or old_lines)[-1]
    return Step("remove_from_cart", {"item_id": gone.item_id, "quantity": gone.quantity})


def undo(s: Situation) -> Step | None:
    """Undo the last cart change, when the conversation has a cart to undo it in."""
    return Step("undo_cart_change", {}) if s.facts.cart is not None else None
