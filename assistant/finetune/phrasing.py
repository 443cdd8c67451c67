"""Turning templates into varied shopper messages: families, slots, typos.

A `Family` is a set of paraphrase templates for one intent. The train/dev split is made by
family: a dev family's templates never appear in training, so the dev split measures whether
the model generalises to new wording rather than recalls seen sentences.

Slots (`{phrase}`, `{email}`, `{order_id}`, ...) are filled with exact values; typos and
casing changes touch only the template's own words, never ids, emails or amounts, unless a
slot value is explicitly made noisy (a shopper's product wording may carry typos, and the
model must then pass it on as typed).
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Split = Literal["train", "dev"]
SPLITS: tuple[Split, ...] = ("train", "dev")


@dataclass(frozen=True)
class Family:
    """Paraphrase templates of one intent that share a way of saying it."""

    name: str
    templates: tuple[str, ...]
    dev: bool = False
    weight: int = 1
    """How many of the intent's draws this family counts for (1: as often as the others)."""

    @property
    def split(self) -> Split:
        """The split this family's templates belong to."""
        return "dev" if self.dev else "train"


class Phrasebook:
    """Families by intent; picks a template from the families of one split."""

    def __init__(self, families: Sequence[Family]) -> None:
        self.by_intent: dict[str, list[Family]] = {}
        seen: set[str] = set()
        for family in families:
            if family.name in seen:
                raise ValueError(f"family {family.name!r} is defined twice")
            if family.weight < 1:
                raise ValueError(f"family {family.name!r} needs a weight of 1 or more")
            seen.add(family.name)
            intent = family.name.split(".", 1)[0]
            self.by_intent.setdefault(intent, []).append(family)
        for intent, group in self.by_intent.items():
            splits = {f.split for f in group}
            if splits != {"train", "dev"}:
                raise ValueError(f"intent {intent!r} needs train and dev families, has {splits}")

    def families(self, intent: str, split: Split) -> list[Family]:
        """The intent's families of `split`."""
        if intent not in self.by_intent:
            raise KeyError(f"no families for intent {intent!r}")
        return [f for f in self.by_intent[intent] if f.split == split]

    def pick(
        self, rng: random.Random, intent: str, split: Split, available: set[str] | None = None
    ) -> tuple[Family, str]:
        """A random family of the split (by weight) and one of its templates.

        Args:
            rng: The random source.
            intent: The intent to phrase.
            split: Only families of this split are used.
            available: Slot names that have values; only templates using no other slot are
                chosen. None allows every template.

        Raises:
            KeyError: no template of the split fits the available slots.
        """
        fitting = []
        for family in self.families(intent, split):
            templates = [
                t for t in family.templates if available is None or slots_of(t) <= available
            ]
            if templates:
                fitting += [(family, templates)] * family.weight
        if not fitting:
            raise KeyError(f"no {split} template of {intent!r} uses only the slots {available}")
        family, templates = rng.choice(fitting)
        return family, rng.choice(templates)


def crossed(frames: Sequence[str], clauses: Sequence[str], thing: str = "") -> tuple[str, ...]:
    """Templates saying each clause after each frame: "{frame}, {clause}".

    Families of different intents built on the same frames are minimal pairs: only the
    clause names the intent, so a model trained on them has to read the clause rather than
    the complaint around it. A frame's `{thing}` becomes `thing` (the family's item slot).
    """
    return tuple(
        f"{frame.replace('{thing}', thing)}, {clause}" for frame in frames for clause in clauses
    )


def slots_of(template: str) -> set[str]:
    """The slot names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


_KEYBOARD_NEIGHBOURS = {
    "a": "qs", "e": "wr", "i": "uo", "o": "ip", "n": "bm", "r": "et", "s": "ad", "t": "ry",
    "l": "k", "h": "gj", "u": "yi", "d": "sf", "m": "n", "c": "xv", "y": "tu", "p": "o",
}  # fmt: skip


def typo(word: str, rng: random.Random) -> str:
    """One plausible typing error in `word` (swap, drop, double or neighbour key)."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(letters) < 4:
        return word
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(4)
    if kind == 0 and i + 1 < len(word) and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    near = _KEYBOARD_NEIGHBOURS.get(word[i].lower())
    return word[:i] + rng.choice(near) + word[i + 1 :] if near else word


def noisy(text: str, rng: random.Random, rate: float) -> str:
    """`text` with typos in about `rate` of its longer words."""
    words = text.split(" ")
    return " ".join(typo(w, rng) if len(w) > 3 and rng.random() < rate else w for w in words)


@dataclass(frozen=True)
class Style:
    """How carefully one shopper types."""

    typo_rate: float
    lowercase: bool
    drop_final_punctuation: bool

    @classmethod
    def sample(cls, rng: random.Random) -> Style:
        """A shopper's style: most type cleanly, some sloppily."""
        sloppy = rng.random() < 0.35
        return cls(
            typo_rate=rng.choice((0.08, 0.15)) if sloppy else 0.0,
            lowercase=rng.random() < (0.5 if sloppy else 0.1),
            drop_final_punctuation=rng.random() < 0.3,
        )


def fill(
    template: str,
    slots: Mapping[str, str],
    rng: random.Random,
    style: Style | None = None,
) -> str:
    """The template with its slots filled; the template's own words styled by `style`.

    Raises:
        KeyError: a slot of the template has no value.
    """
    out: list[str] = []
    for literal, field_name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            if style is not None:
                literal = noisy(literal, rng, style.typo_rate)
                if style.lowercase:
                    literal = literal.lower()
            out.append(literal)
        if field_name is not None:
            if field_name not in slots:
                raise KeyError(f"template {template!r} needs slot {field_name!r}")
            out.append(slots[field_name])
    text = "".join(out).strip()
    if style is not None and style.drop_final_punctuation and text[-1:] in ".!":
        text = text[:-1]
    return text[:1].upper() + text[1:] if text and not (style and style.lowercase) else text


def plural(noun: str) -> str:
    """English plural of a product noun ('T-Shirt' → 'T-Shirts'; 'Hiking Boots' stays)."""
    lower = noun.lower()
    if lower.endswith("s"):
        return noun  # already plural ('Headphones', 'Sunglasses') or reads fine as is
    if lower.endswith(("x", "ch", "sh")):
        return noun + "es"
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def money(value: float) -> str:
    """`54.0` → `$54.00` (the form answers and the grounding verifier agree on)."""
    return f"${value:,.2f}"


ORDINALS = ("first", "second", "third", "fourth", "fifth")
