"""What an order change is about, from the shopper's words: which items, which new variants.

Items: a shopper names the items of an order by their product name ("the Electric Kettle
and the Hiking Boots from #W3433080"); `items_named` finds them, where the message says
them.

New variants: an item change swaps an ordered item for another variant of the same
product. The shopper names what should differ ("green", "size 9") and expects everything
else to stay as it was. Given the order and the product's variants as the tools returned
them, the wanted variants are the available ones that take the most of the option values
the shopper named (where they differ from the ordered item), then keep the most of the
ordered item's other options. When the shopper named no option value of a variant, nothing
is inferred.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.store.models import OrderItem
from retrieval.text import same_size, singular

Stock = dict[str, dict[str, dict[str, str]]]
"""The available variants tool results showed: product id → item id → options."""


def _named(value: str, said: str) -> bool:
    """Whether the option value `value` occurs as words in the shopper's text `said` (a size
    code also by its word: "L" by "large")."""
    forms = [value.lower(), *same_size(value)]
    # "too small" says what is wrong with the item, not what is wanted
    return any(re.search(rf"(?<!too )(?<![\w.]){re.escape(f)}(?![\w.])", said) for f in forms)


def _kept(value: str, said: str) -> bool:
    """Whether the shopper asks to keep the option value ("in the same red", "keep the M")."""
    keep = r"\b(?:same|keep(?:ing)?(?: the| it)?(?: in)?|still)\s+(?:\w+\s+)?"
    forms = [value.lower(), *same_size(value)]
    return any(re.search(rf"{keep}{re.escape(f)}\b", said) for f in forms)


_MISTAKE = re.compile(
    r"\bmistake|\bby accident|\baccidental|\bwrong (?:item|order)|\bordered twice"
)
_NOT_NEEDED = re.compile(
    r"no longer|n[o']?t need|dont need|changed? my mind|anymore|any more|not needed|"
    r"don'?t want|no use for|cheaper|better (?:price|deal)|elsewhere|somewhere else",
    re.IGNORECASE,
)


def cancel_reason(said: str) -> str | None:
    """The cancellation reason the shopper gave, in the store's two words for it, or None."""
    if _MISTAKE.search(said):
        return "ordered by mistake"
    if _NOT_NEEDED.search(said):
        return "no longer needed"
    return None


_TOKEN = re.compile(r"[a-z0-9]+")


def _shelves(word: str) -> str:
    """ "shelves" → "shelf", "knives" → "knife": the plurals `singular` leaves alone."""
    if word.endswith("lves"):
        return word[:-3] + "f"
    if word.endswith("ives"):
        return word[:-3] + "fe"
    return word


def _close(word: str, other: str) -> bool:
    """The same word, a plural of it, or (for longer words) one typo away."""
    if word == other or singular(word) == singular(other) or _shelves(word) == _shelves(other):
        return True
    if min(len(word), len(other)) < 5 or abs(len(word) - len(other)) > 1:
        return False
    if len(word) == len(other):
        return sum(a != b for a, b in zip(word, other, strict=True)) <= 1
    short, long = sorted((word, other), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def items_named(ordered: Iterable[OrderItem], text: str) -> list[tuple[int, str]]:
    """Where `text` names an ordered item, and its item id.

    An item is named by its product name ("the robot vacum", typos and plurals allowed), or
    by the last word of it ("the boots" for Hiking Boots) when no other item shares that word;
    failing both, by the first word of it ("the fleece" for Fleece Jacket).

    Args:
        ordered: The items of the orders tool results showed.
        text: One shopper message.
    """
    words = [(m.start(), m.group()) for m in _TOKEN.finditer(text.lower())]
    items = list(ordered)
    heads = [_TOKEN.findall(i.name.lower())[-1:] for i in items]
    found = []
    for item, head in zip(items, heads, strict=True):
        name = _TOKEN.findall(item.name.lower())
        if not name:
            continue
        for start in range(len(words) - len(name) + 1):
            window = words[start : start + len(name)]
            if all(_close(w, n) for (_, w), n in zip(window, name, strict=True)):
                found.append((window[0][0], item.item_id))
                break
        else:
            unique = sum(h == head for h in heads) == 1
            hit = next((at for at, w in words if unique and _close(w, head[0])), None)
            if hit is not None:
                found.append((hit, item.item_id))
    return found or _by_first_word(items, words)


_MODIFIERS = frozenset({"smart", "electric", "digital", "portable", "indoor", "wireless"})
"""First words of product names that describe many kinds of product, not one."""


def _by_first_word(
    items: Sequence[OrderItem], words: Sequence[tuple[int, str]]
) -> list[tuple[int, str]]:
    """Items named by the first word of a longer name ("the fleece" for Fleece Jacket) when no
    other item shares that word and nothing in the message names an item otherwise."""
    firsts = [_TOKEN.findall(i.name.lower()) for i in items]
    found = []
    for item, name in zip(items, firsts, strict=True):
        if len(name) < 2 or len(name[0]) < 4 or name[0] in _MODIFIERS:
            continue
        if sum(n[:1] == name[:1] for n in firsts) > 1:
            continue
        hit = next((at for at, w in words if _close(w, name[0])), None)
        if hit is not None:
            found.append((hit, item.item_id))
    return found


def items_pointed(items: Sequence[OrderItem], text: str) -> set[str]:
    """The items `text` points at by an option value only they have among items of the same
    product ("the black one" of a brown and a black bookshelf), by item id.

    Args:
        items: The ordered items a change is about.
        text: One shopper message, lower-cased.
    """
    pointed = set()
    for item in items:
        twins = [i for i in items if i.product_id == item.product_id and i is not item]
        if not twins:
            continue
        head = (_TOKEN.findall(item.name.lower()) or ["one"])[-1]
        for value in item.options.values():
            value = str(value).lower()
            if any(str(v).lower() == value for t in twins for v in t.options.values()):
                continue
            one = rf"\bthe {re.escape(value)} (?:one|{re.escape(head)}\w*)\b"
            if re.search(one, text):
                pointed.add(item.item_id)
    return pointed


def wanted_variants(
    ordered: Iterable[OrderItem], stock: Stock, said: str, latest: str = ""
) -> set[str]:
    """The available variant item ids the shopper's words ask for, per ordered product.

    Args:
        ordered: The items of the orders tool results showed.
        stock: The available variants of the products tool results showed.
        said: Everything the shopper has written, lower-cased.
        latest: The shopper's latest message, lower-cased: what it asks for counts first
            ("a large in black then?" after "a large in red").
    """
    wanted: set[str] = set()
    for item in ordered:
        old = item.options
        scored = []
        for item_id, new in stock.get(item.product_id, {}).items():
            if item_id == item.item_id:
                continue
            changed = [str(v) for k, v in new.items() if v != old.get(k)]
            wish = latest or said
            if any(_kept(str(old[k]), wish) for k, v in new.items() if k in old and v != old[k]):
                continue  # changes what the shopper asked to keep
            now = sum(1 for v in changed if latest and _named(v, latest))
            asked = sum(1 for v in changed if _named(v, said))
            kept = sum(1 for k, v in new.items() if v == old.get(k))
            if asked:
                scored.append(((now, asked, kept), item_id))
        if scored:
            best = max(score for score, _ in scored)
            wanted |= {item_id for score, item_id in scored if score == best}
    return wanted
