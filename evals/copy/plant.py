"""Planting errors into clean copies by rule, each with its span recorded.

A rule either replaces something the copy says truly (a colour, a price, the product's type)
with something false for this product, or inserts a false statement (an invented feature, a
stock claim its variants contradict). The planted text's field and offsets are kept, so a
finding can be scored by whether it points at the planted words.

The rules find the copy's true statements with plain string search over the product's own
values, type and prices; they do not use the checker.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from assistant.copy import CopyDraft
from assistant.copy.facts import variants_of
from assistant.copy.units import find_quantities, same_amount
from assistant.copy.vocabulary import family
from evals.copy.cases import Case, Planted
from retrieval.catalog import Product
from retrieval.text import normalize

SIZE_FAMILIES = frozenset(
    {"size", "capacity", "length", "diameter", "thickness", "height", "count", "piece", "range"}
)
# Invented features, written for the eval independently of the checker's claim words: some
# are in its list, some only match its claim-compound shapes, some neither. Dev products get
# the first pool, held-out products the second, so a word added to the checker after seeing
# a dev miss does not lift the held-out figure.
FEATURES = {
    "dev": {
        "adj": """waterproof water-resistant dishwasher-safe machine-washable organic vegan
        recycled shatterproof wrinkle-free BPA-free non-slip noise-cancelling foldable
        rechargeable wireless solar-powered heated hypoallergenic antimicrobial fireproof
        handcrafted""".split(),
        "noun": [
            "a lifetime warranty",
            "built-in GPS",
            "Bluetooth connectivity",
            "a USB-C port",
            "a touchscreen display",
            "a carrying case",
            "app control",
            "a memory foam insole",
        ],
    },
    "heldout": {
        "adj": """UV-resistant fade-resistant stain-resistant self-cleaning voice-controlled
        eco-friendly shock-absorbing odor-resistant insulated weatherproof biodegradable
        scratch-resistant cordless microwave-safe anti-glare leak-proof breathable
        Wi-Fi-enabled""".split(),
        "noun": [
            "a two-year guarantee",
            "a built-in radio",
            "voice assistant support",
            "a remote control",
            "a wall mount",
            "a protective sleeve",
            "an LCD display",
            "a HEPA filter",
        ],
    },
}
# (before, quantity, after, unit the product must not state already, amounts)
NUMBER_INSERTS = [
    ("It weighs just ", "{x} kg", ".", "kg", (0.4, 0.8, 1.2, 2.5, 3.4)),
    ("It measures ", "{x} cm", " across.", "cm", (12, 25, 38, 45)),
    ("A full charge takes ", "{x} hours", ".", "hour", (2, 3, 5)),
    ("It holds up to ", "{x} liters", ".", "l", (0.6, 3, 5)),
]
DIGIT = re.compile(r"\d+(?:\.\d+)?")
MONEY = re.compile(r"\$\d{1,3}(?:,\d{3})*(?:\.\d{2})?|\$\d+(?:\.\d{2})?")


@dataclass(frozen=True)
class Mention:
    """A true statement located in a copy."""

    field: str
    start: int
    end: int
    text: str
    key: str = ""


def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9$.]){re.escape(phrase)}(?![A-Za-z0-9])", re.IGNORECASE)


def find_mentions(draft: CopyDraft, phrases: dict[str, str]) -> list[Mention]:
    """Non-overlapping occurrences of `phrases` (phrase → key), longest phrase first."""
    found: list[Mention] = []
    for field, text in draft.texts():
        taken: list[tuple[int, int]] = []
        for phrase in sorted(phrases, key=len, reverse=True):
            for match in _pattern(phrase).finditer(text):
                if any(a < match.end() and match.start() < b for a, b in taken):
                    continue
                taken.append((match.start(), match.end()))
                found.append(
                    Mention(field, match.start(), match.end(), match.group(), phrases[phrase])
                )
    return found


def set_text(draft: CopyDraft, field: str, text: str) -> CopyDraft:
    if field.startswith("bullets["):
        bullets = list(draft.bullets)
        bullets[int(field[len("bullets[") : -1])] = text
        return draft.model_copy(update={"bullets": bullets})
    return draft.model_copy(update={field: text})


def _match_case(original: str, new: str) -> str:
    return new[:1].upper() + new[1:] if original[:1].isupper() else new


def replace(case: Case, mention: Mention, new: str, kind: str) -> Case:
    """`case` with `mention` replaced by `new`, planted as `kind`."""
    text = case.draft.text_of(mention.field)
    new = _match_case(mention.text, new)
    draft = set_text(case.draft, mention.field, text[: mention.start] + new + text[mention.end :])
    end = mention.start + len(new)
    planted = Planted(mention.field, mention.start, end, kind, new, "replace")
    return Case(f"{case.case_id}+{kind}", case.product_id, case.source, draft, [planted])


def insert(case: Case, before: str, phrase: str, after: str, kind: str, rng: random.Random) -> Case:
    """`case` with a sentence holding `phrase` added to the description or as a bullet."""
    draft = case.draft
    sentence = before + phrase + after
    if rng.random() < 0.5 and draft.short_description:
        field = "short_description"
        prefix = draft.short_description.rstrip() + " "
        draft = draft.model_copy(update={field: prefix + sentence})
    else:
        field = f"bullets[{len(draft.bullets)}]"
        prefix = ""
        sentence = sentence.rstrip(".")
        draft = draft.model_copy(update={"bullets": [*draft.bullets, sentence]})
    start = len(prefix) + len(before)
    planted = Planted(field, start, start + len(phrase), kind, phrase, "insert")
    return Case(f"{case.case_id}+{kind}", case.product_id, case.source, draft, [planted])


def insert_at(case: Case, field: str, offset: int, phrase: str, kind: str) -> Case:
    """`case` with `phrase` and a space inserted at `offset` of `field` ("this waterproof
    t-shirt")."""
    text = case.draft.text_of(field)
    draft = set_text(case.draft, field, text[:offset] + phrase + " " + text[offset:])
    planted = Planted(field, offset, offset + len(phrase), kind, phrase, "insert")
    return Case(f"{case.case_id}+{kind}", case.product_id, case.source, draft, [planted])


class Catalog:
    """What the planting rules need from the whole catalog."""

    def __init__(self, products: list[Product], heldout: set[str] | None = None) -> None:
        self.products = products
        self.heldout = heldout or set()
        self.values: dict[str, set[str]] = defaultdict(set)  # family → values as written
        self.by_key: dict[str, set[str]] = defaultdict(set)  # option name → values
        self.features: set[str] = set()
        for product in products:
            for variant in product.variants:
                for key, value in variant.options.items():
                    self.values[family(key)].add(value)
                    self.by_key[key].add(value)
                    if family(key) == "feature":
                        self.features.add(value)
        self.types = sorted({p.product_type for p in products})
        self.brands = sorted({p.brand for p in products if p.brand})
        self.tags = sorted({t for p in products for t in p.tags})


def own_values(product: Product) -> dict[str, str]:
    """The product's values as written → option name."""
    return {v: k for variant in product.variants for k, v in variant.options.items()}


def own_text(product: Product) -> str:
    parts = [product.name, product.product_type, product.description, *product.tags]
    parts += [f"{k} {v}" for variant in product.variants for k, v in variant.options.items()]
    return " ".join(parts).lower()


def foreign_values(product: Product, fam: str, catalog: Catalog, like: str) -> list[str]:
    """Values of family `fam` elsewhere in the catalog that this product does not have,
    preferring ones shaped like `like` (numbers for numbers, words for words)."""
    own = {normalize(v) for v in own_values(product)}
    own_equivalents = set().union(*(variants_of(v) for v in own)) if own else set()
    own_words = {w for v in own for x in variants_of(v) for w in x.split()}
    own_words |= set(normalize(f"{product.name} {product.product_type}").split())
    own_words |= set(re.findall(r"[a-z0-9-]+", product.description.lower()))
    own_amounts = [(q.dimension, v) for o in own for q in find_quantities(o) for v in q.values]
    out = []
    for value in sorted(catalog.values.get(fam, ())):
        norm = normalize(value)
        if norm in own_equivalents or set(norm.split()) <= own_words:
            continue  # the same value, or a loose form of one ("grey" of "space grey")
        amounts = [(q.dimension, v) for q in find_quantities(value) for v in q.values]
        if amounts and all(
            any(d == od and same_amount(v, ov) for od, ov in own_amounts) for d, v in amounts
        ):
            continue  # the same amount written otherwise ("1000ml" of "1L")
        out.append(value)
    shaped = [v for v in out if bool(DIGIT.search(v)) == bool(DIGIT.search(like))]
    return shaped or out


PlantRule = Callable[[Case, Product, Catalog, random.Random], Case | None]
