"""Invented arguments: values a tool call used that nothing in the conversation contained.

Each argument is judged by where its value can rightly come from:

- identity values (email, names, zip) only from the shopper's own messages;
- search queries and FAQ questions from the shopper's words: every content word of the value
  must be a word the shopper wrote, or a spelling fix of one (a close edit, or the same word
  with a plural ending), so "platter" for "pancakes" is invented and "headphones" for
  "headphnes" is not;
- ids and address fields from anything the conversation showed (the shopper's messages, tool
  results, the assistant's replies);
- free text the model writes by design (a hand-off summary, an arithmetic expression, a
  choice from a fixed list) is not judged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

IDENTITY = frozenset({"email", "first_name", "last_name"})
WORDS = frozenset({"query", "question", "context"})
SHOWN = frozenset(
    {
        "order_id",
        "user_id",
        "payment_method_id",
        "product_id",
        "item_id",
        "item_ids",
        "new_item_ids",
        "ids",
        "address1",
        "address2",
        "city",
        "state",
        "country",
    }
)
_ADDRESS_TOOLS = frozenset({"modify_pending_order_address", "modify_user_address"})
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "with",
        "my",
        "me",
        "i",
        "you",
        "your",
        "some",
        "any",
        "is",
        "are",
        "be",
        "it",
        "this",
        "that",
        "these",
        "those",
        "or",
        "not",
        "no",
        "do",
        "does",
        "have",
        "has",
        "can",
        "could",
        "would",
        "should",
        "please",
        "show",
        "find",
        "get",
        "want",
        "need",
        "looking",
        "look",
        "like",
        "about",
        "from",
        "at",
        "by",
        "as",
        "what",
        "which",
        "who",
        "how",
        "much",
        "many",
        "more",
        "most",
        "less",
        "than",
        "under",
        "over",
        "below",
        "above",
        "between",
        "into",
        "up",
        "out",
        "all",
        "one",
    ]
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[.'-][a-z0-9]+)*")

Kind = Literal["identity", "search", "other"]


@dataclass
class Transcript:
    """What the conversation has contained so far."""

    shopper: list[str] = field(default_factory=list)
    """The shopper's messages."""
    shown: list[str] = field(default_factory=list)
    """Tool results (as JSON) and the assistant's replies."""
    product_of: Mapping[str, str] = field(default_factory=dict)
    """The catalog's item ids (lower case) with their product ids: a product id the engine
    reads off an item id the conversation named has that item as its source."""

    def shopper_text(self) -> str:
        """Everything the shopper wrote, lower-cased."""
        return "\n".join(self.shopper).lower()

    def all_text(self) -> str:
        """Everything the conversation contained, lower-cased."""
        return "\n".join([*self.shopper, *self.shown]).lower()

    def add_result(self, data: Any) -> None:
        """Record a tool result."""
        self.shown.append(
            json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data
        )


@dataclass(frozen=True)
class Invention:
    """One argument value with no source in the conversation."""

    tool: str
    argument: str
    value: str
    kind: Kind


def _close(word: str, known: Iterable[str]) -> bool:
    """A spelling fix or inflection of a known word: one or two edits, or a plural ending."""
    for other in known:
        if word == other or word.rstrip("s") == other.rstrip("s"):
            return True
        if min(len(word), len(other)) >= 4 and _edits(word, other) <= (1 if len(word) < 7 else 2):
            return True
    return False


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (bounded use: short words)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def content_words(text: str) -> list[str]:
    """The words of `text` that carry meaning (no stop words, no one-letter words)."""
    return [w for w in _TOKEN.findall(text.lower()) if w not in _STOP and len(w) > 1]


def _scalars(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def inventions(tool: str, arguments: Mapping[str, Any], transcript: Transcript) -> list[Invention]:
    """The argument values of one call that nothing in `transcript` contained."""
    said = transcript.shopper_text()
    everything = transcript.all_text()
    known_words = set(content_words(said))
    found = []
    kind: Kind
    for name, value in arguments.items():
        if name == "zip" and tool in _ADDRESS_TOOLS:
            sources, kind = everything, "other"
        elif name in IDENTITY or name == "zip":
            sources, kind = said, "identity"
        elif name in SHOWN:
            sources, kind = everything, "other"
        elif name in WORDS:
            for text in _scalars(value):
                new = [w for w in content_words(text) if not _close(w, known_words)]
                if new:
                    found.append(Invention(tool, name, text, "search"))
            continue
        else:
            continue
        for text in _scalars(value):
            needle = text.strip().lower()
            if needle and needle.lstrip("#") not in sources:
                if name == "product_id" and _item_of_named(needle, transcript, sources):
                    continue
                found.append(Invention(tool, name, text, kind))
    return found


def _item_of_named(product_id: str, transcript: Transcript, sources: str) -> bool:
    """Whether an item of `product_id` was named or shown in the conversation."""
    return any(
        product.lower() == product_id and item in sources
        for item, product in transcript.product_of.items()
    )
