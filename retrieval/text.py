"""Text helpers shared by the lexical index and query understanding: one tokenizer for both."""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")

# Words that carry no product meaning; kept small so option values such as "no" survive
# in documents (they are removed only from queries).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "have",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "please",
        "show",
        "some",
        "that",
        "the",
        "their",
        "them",
        "these",
        "this",
        "those",
        "to",
        "want",
        "with",
        "you",
        "your",
        "looking",
        "need",
        "find",
        "get",
        "buy",
    ]
)


# Everyday words that are one edit away from catalog words ("while"/"white", "good"/"gold"):
# never "corrected", so a shopper's phrasing cannot turn into a filter by accident.
COMMON_WORDS = frozenset(
    """about above after again also before being best better both bring cheap clean could
    dark during each easy every extra fast first from give going good great have heavy help
    here home into just keep kind last less like little long look love made make many might
    more most much need never next nice night only other over pair quite really right same
    should since small some something still such sure take than that them then there these
    they thing think this those through time today under until used very walk want warm
    wear well were what when where which while whose will with without work would
    year your""".split()
)


def normalize(text: str) -> str:
    """Lowercase and collapse whitespace; used for option values, types and brands."""
    return " ".join(text.lower().split())


def singular(word: str) -> str:
    """A light plural stripper (no stemmer dependency): shoes→shoe, boxes→box, bus stays."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lowercase alphanumeric words of `text`, unstemmed."""
    return _TOKEN.findall(text.lower())


def tokenize(text: str, *, drop_stopwords: bool = False) -> list[str]:
    """Lexical tokens: lowercase words with plurals folded to singular."""
    tokens = [singular(w) for w in words(text)]
    if drop_stopwords:
        tokens = [t for t in tokens if t not in STOPWORDS]
    return tokens


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class SpellIndex:
    """Corrects a misspelt word to a known one (one edit each side, symmetric-delete style).

    Built once per vocabulary; a lookup costs a handful of dict probes, so it fits in the
    latency budget of every search.
    """

    MIN_LENGTH = 4

    def __init__(self, vocabulary: Iterable[str], counts: dict[str, int] | None = None) -> None:
        self._known = set(vocabulary)
        self._counts = counts or {}
        self._index: dict[str, list[str]] = {}
        for word in self._known:
            if len(word) < self.MIN_LENGTH or word.isdigit():
                continue
            for key in {word} | _deletions(word):
                self._index.setdefault(key, []).append(word)

    def __contains__(self, word: str) -> bool:
        return word in self._known

    def correct(self, word: str) -> str | None:
        """The known word closest to `word`, `word` itself if known, None if nothing is close."""
        if word in self._known:
            return word
        if len(word) < self.MIN_LENGTH or word.isdigit() or word in COMMON_WORDS:
            return None
        candidates: set[str] = set()
        for key in {word} | _deletions(word):
            candidates.update(self._index.get(key, ()))
        if not candidates:
            return None
        # Prefer the most frequent candidate, then the alphabetically first, for determinism.
        return min(candidates, key=lambda c: (-self._counts.get(c, 0), abs(len(c) - len(word)), c))


SIZE_WORDS: dict[str, tuple[str, ...]] = {
    "xs": ("extra small", "x-small", "xsmall"),
    "s": ("small",),
    "m": ("medium",),
    "l": ("large",),
    "xl": ("extra large", "x-large", "xlarge"),
    "xxl": ("2xl", "xx-large", "extra extra large"),
}
"""Clothing size codes and the words shoppers use for them (either can be in a catalog)."""


def same_size(value: str) -> list[str]:
    """The other ways of writing a size: 'l' → ['large'], 'large' → ['l']."""
    value = value.lower()
    if value in SIZE_WORDS:
        return list(SIZE_WORDS[value])
    return [code for code, words in SIZE_WORDS.items() if value in words]
