"""Query understanding: constraints stated in free text become filters, deterministically.

"blue cotton t-shirts under $50 in stock" → product type T-Shirt, color blue, material cotton,
max price 50, available. Types, brands and option values are recognised only when the indexed
catalog has them (its `Vocabulary`), so a model that passes just a query string still gets
filtered results, and nothing is invented that the catalog cannot match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from retrieval.filters import SearchFilters
from retrieval.prices import parse_price
from retrieval.table import Vocabulary
from retrieval.text import SpellIndex, normalize, same_size, singular

_IN_STOCK = re.compile(
    r"\b(?:in[\s-]stock|available now|available|ships? now|right now|ready to ship|"
    r"(?:buy|order|get) (?:\w+ )?today)\b",
    re.IGNORECASE,
)
_OUT_OF_STOCK = re.compile(r"\b(?:out[\s-]of[\s-]stock|sold out|unavailable)\b", re.IGNORECASE)
_NOT_OUT = re.compile(
    r"\b(?:no|not|don'?t|do not|without|never|nothing|skip|hide|exclude)\b(?:\W+\w+){0,4}?\W+"
    r"(?:out[\s-]of[\s-]stock|sold out|unavailable)\b",
    re.IGNORECASE,
)
""""don't show me sold-out ones": a wish for what is in stock."""
_NEGATIONS = frozenset(
    {"no", "not", "without", "except", "dont", "nor", "hate", "hates", "dislike", "dislikes"}
    | {"avoid", "never"}
)
"""A product type after one of these is one the shopper does not want ("no earbuds")."""

# Generic shopping words for catalog types; used only when the target type exists.
TYPE_ALIASES: dict[str, list[str]] = {
    "tee": ["T-Shirt"],
    "tee shirt": ["T-Shirt"],
    "tshirt": ["T-Shirt"],
    "bike": ["Bicycle"],
    "phone": ["Smartphone"],
    "cell phone": ["Smartphone"],
    "mobile phone": ["Smartphone"],
    "earphone": ["Wireless Earbuds", "Headphones"],
    "headset": ["Headphones"],
    "watch": ["Smart Watch", "Wristwatch"],
    "smartwatch": ["Smart Watch"],
    "shoe": ["Running Shoes", "Sneakers"],
    "trainer": ["Running Shoes", "Sneakers"],
    "suitcase": ["Luggage Set"],
    "luggage": ["Luggage Set"],
    "dumbbell": ["Dumbbell Set"],
    "power bank": ["Portable Charger"],
    "security camera": ["Indoor Security Camera"],
    "ereader": ["E-Reader"],
    "e reader": ["E-Reader"],
    "fragrance": ["Perfume"],
    "cologne": ["Perfume"],
    "bookcase": ["Bookshelf"],
    "shelf": ["Bookshelf"],
    "bbq": ["Grill"],
    "barbecue": ["Grill"],
    "makeup": ["Makeup Kit"],
    "vacuum": ["Vacuum Cleaner"],
    "espresso maker": ["Espresso Machine"],
    "coffee machine": ["Coffee Maker", "Espresso Machine"],
    "dog bed": ["Pet Bed"],
    "cat bed": ["Pet Bed"],
    "rucksack": ["Backpack"],
    "puzzle": ["Jigsaw Puzzle"],
}
# Last words too generic to name a type on their own ("set" of what?).
_GENERIC_HEADS = frozenset({"set", "kit", "machine", "cleaner", "maker", "item", "product"})
# Option values that are everyday words: applied only when a recognised type has that option.
WEAK_VALUES = frozenset(
    [
        "small",
        "medium",
        "large",
        "high",
        "low",
        "none",
        "no",
        "yes",
        "full",
        "half",
        "fixed",
        "adjustable",
        "standard",
        "basic",
        "light",
        "dark",
        "plain",
        "custom",
        "manual",
        "automatic",
        "electric",
        "gas",
        "fresh",
        "professional",
        "portable",
        "beginner",
        "expert",
        "intermediate",
        "road",
        "mountain",
        "art",
        "animals",
        "fantasy",
        "landscape",
        "digital",
        "analog",
        "wired",
        "wireless",
        "graphic",
        "hard",
        "soft",
        "camera",
        "laptop",
        "hydration",
        "men",
        "women",
        "unisex",
    ]
)
_SYNONYMS = {"grey": ["gray"], "gray": ["grey"]}
VALUE_WORDS: dict[str, str] = {
    "cable": "wired",
    "cabled": "wired",
    "corded": "wired",
    "cordless": "wireless",
    "polarised": "polarized",
    "colour": "color",
}
"""Everyday words for common option values; used only for values the catalog has, and only
with a recognised type that has them."""

_POSSESSIVES = frozenset({"my", "our", "his", "her", "their"})
"""Words before a product the shopper already owns ("charge my phone"); "your" (the store's:
"show me your e-readers") is not one."""
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


_ASKED_FOR = re.compile(
    r"\b(?:sell|selling|carry|carrying|stock|offer|have|got|any)\s+"
    r"(?:(?:any|some|a|an|the)\s+)?([a-z][a-z-]{3,})",
    re.IGNORECASE,
)
""""do you sell surfboards", "got any hammocks": the word after is the product asked about."""


def asked_for(text: str) -> list[str]:
    """The words a "do you sell / carry / have X" question asks about, singular."""
    found = (singular(m.group(1).lower()) for m in _ASKED_FOR.finditer(text))
    # "carry nothing over $50", "have something": a pronoun, not a product.
    return [w for w in found if not w.endswith(("thing", "one", "body")) and w not in _POSSESSIVES]


@dataclass
class ParsedQuery:
    """A query split into ranking text and the filters its words state."""

    text: str
    filters: SearchFilters
    understood: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    kind: str  # "type" | "option" | "brand"
    targets: tuple[str, ...]  # type displays | (key, value) pairs flattened | brand display
    priority: int  # exact names beat option values beat aliases
    weak: bool = False


class _Lexicon:
    """Phrase table built once per catalog vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.phrases: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
        self.max_len = 1
        types = vocab.product_types
        by_head: dict[str, list[str]] = defaultdict(list)
        for norm, display in types.items():
            toks = _tokens(norm)
            self._add(toks, _Entry("type", (display,), 3))
            if len(toks) > 1:
                self._add(("".join(toks),), _Entry("type", (display,), 3))
                if toks[-1] not in _GENERIC_HEADS:
                    by_head[toks[-1]].append(display)
        for head, displays in by_head.items():
            if (head,) not in self.phrases:
                self._add((head,), _Entry("type", tuple(sorted(displays)), 1))
        by_display = {d.lower(): d for d in types.values()}
        for alias, targets in TYPE_ALIASES.items():
            present = tuple(by_display[t.lower()] for t in targets if t.lower() in by_display)
            toks = _tokens(alias)
            if present and not any(
                e.kind == "type" and e.priority == 3 for e in self.phrases[toks]
            ):
                self.phrases[toks] = [e for e in self.phrases[toks] if e.kind != "type"]
                self._add(toks, _Entry("type", present, 1))
        for norm, display in vocab.brands.items():
            self._add(_tokens(norm), _Entry("brand", (display,), 2))
        for key, counts in vocab.option_values.items():
            key_toks = _tokens(key)
            # A yes/no option is asked for by its name: "waterproof boots" means waterproof=yes.
            if "yes" in counts and key_toks:
                for named in _yes_forms(key_toks):
                    self._add(named, _Entry("option", (key, "yes"), 3))
            for value in counts:
                val_toks = _tokens(value)
                if not val_toks:
                    continue
                weak = value in WEAK_VALUES or len(value) <= 1 or value.replace(".", "").isdigit()
                if value not in ("yes", "no"):  # "no earbuds" says nothing of water resistance
                    self._add(val_toks, _Entry("option", (key, value), 2, weak))
                # "size 9", "size m", "1000 pieces", "16gb ram": the option name disambiguates.
                if key_toks:
                    self._add(key_toks + val_toks, _Entry("option", (key, value), 4))
                    self._add(val_toks + key_toks, _Entry("option", (key, value), 4))
        for key, counts in vocab.option_values.items():
            for word, value in VALUE_WORDS.items():
                if value in counts and (word,) not in self.phrases:
                    self._add((word,), _Entry("option", (key, value), 2, weak=True))
            for value in counts:
                # "robot vacuum" for type robotic, "magnet" for magnetic.
                if value.endswith("ic") and len(value) >= 6 and " " not in value:
                    self._add((value[:-2],), _Entry("option", (key, value), 1, weak=True))
            for word, value in _distinctive_words(key, counts):
                if (word,) not in self.phrases:
                    self._add((word,), _Entry("option", (key, value), 1, weak=True))
        words = {w for phrase in self.phrases for w in phrase}
        self.spelling = SpellIndex(words)

    def _add(self, toks: tuple[str, ...], entry: _Entry) -> None:
        if toks:
            self.phrases[toks].append(entry)
            self.max_len = max(self.max_len, len(toks))


def _yes_forms(key_toks: tuple[str, ...]) -> list[tuple[str, ...]]:
    """How a shopper names a yes/no option: "water resistance" is also "water resistant",
    "water proof" and "waterproof"."""
    forms = [key_toks]
    last = key_toks[-1]
    for noun, adjective in (("ance", "ant"), ("ence", "ent")):
        if last.endswith(noun):
            forms.append((*key_toks[:-1], last[: -len(noun)] + adjective))
    if len(key_toks) > 1:
        forms += [(key_toks[0], "proof"), (key_toks[0] + "proof",)]
    return forms


def _distinctive_words(key: str, counts: dict[str, int]) -> list[tuple[str, str]]:
    """Words of a several-word option value that no other value of the option has:
    "cellular" of connectivity "wi-fi + cellular" (while "wi-fi" is in two values)."""
    holders: dict[str, set[str]] = defaultdict(set)
    for value in counts:
        toks = _tokens(value)
        if len(toks) > 1:
            for tok in toks:
                holders[tok].add(value)
    for value in counts:
        for tok in _tokens(value):
            if len(_tokens(value)) == 1 and tok in holders:
                holders[tok].add(value)
    return sorted(
        (tok, next(iter(values)))
        for tok, values in holders.items()
        if len(values) == 1 and len(tok) >= 4 and not tok.isdigit() and tok not in _tokens(key)
    )


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(singular(w) for w in _WORD.findall(text.lower()))


_LEXICONS: dict[int, tuple[Vocabulary, _Lexicon]] = {}


def _lexicon(vocab: Vocabulary) -> _Lexicon:
    cached = _LEXICONS.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        if len(_LEXICONS) > 8:
            _LEXICONS.clear()
        cached = (vocab, _Lexicon(vocab))
        _LEXICONS[id(vocab)] = cached
    return cached[1]


def _match_phrases(tokens: list[str], lex: _Lexicon) -> list[tuple[int, int, list[_Entry]]]:
    """Greedy longest-match of catalog phrases over `tokens`; returns (start, end, entries)."""
    found = []
    i = 0
    while i < len(tokens):
        best: tuple[int, list[_Entry]] | None = None
        for length in range(min(lex.max_len, len(tokens) - i), 0, -1):
            entries = lex.phrases.get(tuple(tokens[i : i + length]))
            if entries:
                best = (length, entries)
                break
        if best is None:
            i += 1
            continue
        found.append((i, i + best[0], best[1]))
        i += best[0]
    return found


def _choose_key(
    pairs: list[tuple[str, str]], types: list[str], vocab: Vocabulary
) -> tuple[str, str] | None:
    """Pick the option key a value refers to, or None when that would be a guess.

    With recognised types, only their keys count, and the key must be one every type that
    has the value shares ("leather watch" over smart watches' band and wristwatches' strap
    stays unfiltered rather than dropping one kind). Otherwise the most common key wins.
    """
    if types:
        keys_of = {t: vocab.type_keys.get(normalize(t), set()) for t in types}
        pairs = [p for p in pairs if any(p[0] in keys for keys in keys_of.values())]
        holders = [keys for keys in keys_of.values() if any(p[0] in keys for p in pairs)]
        pairs = [p for p in pairs if all(p[0] in keys for keys in holders)]
    if not pairs:
        return None
    return max(pairs, key=lambda p: (vocab.option_values[p[0]][p[1]], p[0] == "color", p[0]))


_Match = tuple[int, int, list[_Entry]]


def _keys_of(types: list[str], vocab: Vocabulary) -> set[str]:
    """Every option name the given product types have."""
    return set().union(*(vocab.type_keys.get(normalize(t), set()) for t in types))


def _types_read_as_options(
    types: list[str], matches: list[_Match], vocab: Vocabulary
) -> tuple[list[str], list[_Match]]:
    """ "Dark roast ground for my french press": an option named with its value ("dark
    roast", "size 9") that no recognised type has outweighs a type phrase that is also an
    option value: that phrase is the value (grind "french press"), not the type."""
    if not types:
        return types, matches
    keys = _keys_of(types, vocab)
    if not any(
        e.kind == "option" and e.priority >= 4 and e.targets[0] not in keys
        for _, _, entries in matches
        for e in entries
    ):
        return types, matches
    dropped: set[str] = set()
    reread: list[_Match] = []
    for start, end, entries in matches:
        best = max(entries, key=lambda e: e.priority)
        options = [e for e in entries if e.kind == "option"]
        if best.kind == "type" and options:
            dropped.update(best.targets)
            reread.append((start, end, options))
        else:
            reread.append((start, end, entries))
    if not dropped:
        return types, matches
    return [t for t in types if t not in dropped], reread


def parse_query(query: str, vocab: Vocabulary) -> ParsedQuery:
    """Turn the constraints stated in `query` into filters, using the catalog's vocabulary.

    Args:
        query: What the shopper typed.
        vocab: Product types, brands and option values of the indexed catalog.

    Returns:
        The text to rank with (price and stock phrases removed), the filters, and a short
        list of what was understood.
    """
    understood: list[str] = []
    text = " ".join(query.split())
    text, low, high = parse_price(text, understood)
    available: bool | None = None
    if _NOT_OUT.search(text):
        available = True
        text = _NOT_OUT.sub(" ", text)
        understood.append("in stock")
    elif _OUT_OF_STOCK.search(text):
        available = False
        text = _OUT_OF_STOCK.sub(" ", text)
        understood.append("out of stock")
    elif _IN_STOCK.search(text):
        available = True
        text = _IN_STOCK.sub(" ", text)
        understood.append("in stock")

    lex = _lexicon(vocab)
    tokens = []
    for word in _WORD.findall(text.lower()):
        token = singular(word)
        if token not in lex.spelling and len(token) >= 5 and not token.isdigit():
            token = lex.spelling.correct(token) or token
        tokens.append(token)

    matches = _match_phrases(tokens, lex)
    # "charge my phone", "carry my laptop": a product the shopper already owns is not the
    # product they are looking for.
    matches = [
        (start, end, [e for e in entries if e.kind != "type"])
        if start > 0 and tokens[start - 1] in _POSSESSIVES
        else (start, end, entries)
        for start, end, entries in matches
    ]
    matches = [m for m in matches if m[2]]
    unwanted = {
        t
        for start, _, entries in matches
        if start > 0 and tokens[start - 1] in _NEGATIONS
        for e in entries
        if e.kind == "type"
        for t in e.targets
    }
    # "he hates charcoal, only electric": an option value after a negation is not wanted.
    matches = [
        (
            start,
            end,
            [
                e
                for e in entries
                if not (e.kind == "type" and set(e.targets) & unwanted)
                and not (e.kind == "option" and start > 0 and tokens[start - 1] in _NEGATIONS)
            ],
        )
        for start, end, entries in matches
    ]
    matches = [m for m in matches if m[2]]
    types: list[str] = []
    brands: list[str] = []
    for _, _, entries in matches:
        best = max(entries, key=lambda e: e.priority)
        if best.kind == "type":
            types += [t for t in best.targets if t not in types]
        elif best.kind == "brand":
            brands += [b for b in best.targets if b not in brands]
    # "laptop backpack": one type word is an option value of another type → it is the option.
    if len(types) > 1:
        for start, _end, entries in matches:
            best = max(entries, key=lambda e: e.priority)
            if best.kind != "type":
                continue
            others = [t for t in types if t not in best.targets]
            other_keys = _keys_of(others, vocab)
            if any(e.kind == "option" and e.targets[0] in other_keys for e in entries):
                types = [t for t in types if t not in best.targets]
                matches = [
                    (s, e, [x for x in ents if x.kind == "option"]) if s == start else (s, e, ents)
                    for s, e, ents in matches
                ]

    types, matches = _types_read_as_options(types, matches, vocab)
    type_keys = _keys_of(types, vocab) if types else None
    options: dict[str, list[str]] = defaultdict(list)
    for _, _, entries in matches:
        option_entries = [e for e in entries if e.kind == "option"]
        if not option_entries or max(entries, key=lambda e: e.priority).kind != "option":
            continue
        strong = [e for e in option_entries if not e.weak]
        if not strong and type_keys is None:
            continue
        pool = strong or option_entries
        chosen = _choose_key([(e.targets[0], e.targets[1]) for e in pool], types, vocab)
        if chosen is None:
            continue
        key, value = chosen
        for v in [value, *_SYNONYMS.get(value, []), *same_size(value)]:
            if v in vocab.option_values.get(key, {}) and v not in options[key]:
                options[key].append(v)

    if types:
        understood.append("type " + " or ".join(types))
    understood += [f"{k} {' or '.join(v)}" for k, v in options.items()]
    if brands:
        understood.append("brand " + " or ".join(brands))
    filters = SearchFilters(
        min_price=low,
        max_price=high,
        product_types=types,
        options=dict(options),
        available=available,
        brands=brands,
    )
    return ParsedQuery(text=" ".join(text.split()), filters=filters, understood=understood)
