"""How much of the eval dialogues' wording the training data already holds: word n-grams.

For each shopper message of the evals, the share of its word n-grams that occur anywhere in
the training messages. A message copied from the training templates scores near 1; one written
independently scores near 0 (short stock phrases such as "where is my order" still match).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

N = 4
"""Word n-gram length: long enough that shared stock phrases are rare, short enough to catch
a sentence reworded only at its edges."""
_WORD = re.compile(r"[a-z0-9]+")
_SLOT = re.compile(r"\{[a-z_]+\}")


def ngrams(text: str, n: int = N) -> set[tuple[str, ...]]:
    """The word n-grams of `text`, lower-cased; template slots (`{item}`) break them."""
    grams: set[tuple[str, ...]] = set()
    for piece in _SLOT.split(text.lower()):
        words = _WORD.findall(piece)
        grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams


@dataclass(frozen=True)
class Overlap:
    """One eval message and the share of its n-grams the training messages hold."""

    message: str
    share: float
    shared: tuple[str, ...]
    """The shared n-grams, as text."""


def overlaps(messages: Iterable[str], training: Iterable[str], n: int = N) -> list[Overlap]:
    """Each message's overlap with the training corpus, highest first (messages with no
    n-gram, i.e. shorter than n words, are left out)."""
    corpus: set[tuple[str, ...]] = set()
    for text in training:
        corpus |= ngrams(text, n)
    found = []
    for message in messages:
        grams = ngrams(message, n)
        if not grams:
            continue
        shared = sorted(" ".join(g) for g in grams & corpus)
        found.append(Overlap(message, len(shared) / len(grams), tuple(shared)))
    return sorted(found, key=lambda o: -o.share)
