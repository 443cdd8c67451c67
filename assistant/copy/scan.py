"""Tokens with character offsets, and catalog phrases found in them by longest match.

One tokenizer serves both the catalog's phrases and the copy, so "15-inch", "15 inch" and
"15inch", or "T-Shirt" and "tshirt", meet as the same tokens. Numbers and letters are split
("500ml" → "500", "ml") and plurals folded ("colours" → "colour").
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from assistant.copy.lexicon import SPELLING
from retrieval.text import singular

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|%")
_SENTENCE_END = re.compile(r"[.!?;:]\s|[.!?;:]$|\n|\s[–—-]\s")


@dataclass(frozen=True)
class Token:
    """One word or number of a text."""

    norm: str  # lowercase, singular, commas dropped from numbers
    raw: str
    start: int
    end: int
    glued: bool  # no space or hyphen between this token and the one before

    @property
    def is_number(self) -> bool:
        """Whether the token is a number."""
        return self.norm[:1].isdigit()


def _norm(raw: str) -> str:
    if raw[:1].isdigit():
        return raw.replace(",", "")
    lower = raw.lower()
    # "sizes" → "size" (the shared folding gives "siz", which would not meet "size").
    word = lower[:-1] if lower.endswith("zes") and not lower.endswith("zzes") else singular(lower)
    return SPELLING.get(word, word)


def tokenize(text: str) -> list[Token]:
    """The tokens of `text` with their offsets."""
    tokens: list[Token] = []
    previous_end = -1
    for match in _TOKEN.finditer(text):
        raw = match.group()
        tokens.append(
            Token(_norm(raw), raw, match.start(), match.end(), match.start() == previous_end)
        )
        previous_end = match.end()
    return tokens


def phrase_key(text: str) -> tuple[str, ...]:
    """Normalized tokens of a catalog phrase."""
    return tuple(t.norm for t in tokenize(text))


def glue_pattern(text: str) -> tuple[bool, ...]:
    """For each token of `text` after the first: written glued to the one before?"""
    return tuple(t.glued for t in tokenize(text)[1:])


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences (and dash- or semicolon-separated clauses)."""
    bounds, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        bounds.append((start, match.end()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


@dataclass(frozen=True)
class Entry:
    """What a phrase can mean in the catalog."""

    kind: str  # "option" | "type" | "brand" | "tag" | "claim" | "key"
    target: str  # the value, type, brand, tag or claim (normalized)
    key: str = ""  # option name, for kind "option"
    glue: tuple[bool, ...] | None = None  # required letter/digit gluing ("A4" is not "a 4")


@dataclass
class PhraseTable:
    """Catalog phrases by their tokens."""

    phrases: dict[tuple[str, ...], list[Entry]] = field(default_factory=lambda: defaultdict(list))
    max_len: int = 1

    def add(self, text: str, entry: Entry) -> None:
        """Add `text` (and its hyphen-free joined form, "tshirt" for "t-shirt")."""
        tokens = tokenize(text)
        key = tuple(t.norm for t in tokens)
        if not key:
            return
        mixed = any(t.is_number for t in tokens) and not all(t.is_number for t in tokens)
        glue = tuple(t.glued for t in tokens[1:]) if mixed else None
        self._put(key, Entry(entry.kind, entry.target, entry.key, glue))
        if len(key) > 1 and all(t.norm.isalpha() for t in tokens):
            self._put((singular("".join(t.raw.lower() for t in tokens)),), entry)

    def _put(self, key: tuple[str, ...], entry: Entry) -> None:
        if entry not in self.phrases[key]:
            self.phrases[key].append(entry)
        self.max_len = max(self.max_len, len(key))


@dataclass(frozen=True)
class Match:
    """A catalog phrase found in a text: tokens [first, last) and characters [start, end)."""

    first: int
    last: int
    start: int
    end: int
    entries: tuple[Entry, ...]


def _glue_ok(tokens: list[Token], first: int, entries: list[Entry]) -> list[Entry]:
    kept = []
    for entry in entries:
        if entry.glue is None:
            kept.append(entry)
            continue
        written = tuple(t.glued for t in tokens[first + 1 : first + 1 + len(entry.glue)])
        if written == entry.glue:
            kept.append(entry)
    return kept


def find_phrases(tokens: list[Token], table: PhraseTable, skip: set[int]) -> list[Match]:
    """Greedy longest matches of the table's phrases, left to right.

    Args:
        tokens: The text's tokens.
        table: Catalog phrases.
        skip: Token positions already read as something else (numbers with units, prices).
    """
    found: list[Match] = []
    i = 0
    while i < len(tokens):
        if i in skip:
            i += 1
            continue
        best: Match | None = None
        for length in range(min(table.max_len, len(tokens) - i), 0, -1):
            span = range(i, i + length)
            if any(j in skip for j in span):
                continue
            key = tuple(tokens[j].norm for j in span)
            entries = _glue_ok(tokens, i, table.phrases.get(key, []))
            if entries:
                best = Match(
                    i, i + length, tokens[i].start, tokens[i + length - 1].end, tuple(entries)
                )
                break
        if best is None:
            i += 1
            continue
        found.append(best)
        i = best.last
    return found
