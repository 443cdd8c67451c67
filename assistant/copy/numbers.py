"""Numbers in copy: quantities with units, values listed after an option name ("sizes 7 to
12"), and counts of choices ("four colours")."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assistant.copy.facts import ProductFacts
from assistant.copy.findings import Finding
from assistant.copy.lexicon import NUMBER_WORDS, SIZE_SYNONYMS
from assistant.copy.scan import Token, tokenize
from assistant.copy.units import Quantity
from assistant.copy.vocabulary import CopyVocabulary, family

_LIST_JOINERS = frozenset({"and", "or", "to", "through", "thru", "from", "in", "us", "uk", "eu"})
_SEPARATORS = frozenset({",", "/", "-", "–", "&", ""})
_LIST_MAX = 10


def check_quantity(field: str, quantity: Quantity, facts: ProductFacts) -> Finding | None:
    """A finding when the product's record states none of the quantity's numbers."""
    if facts.supports_quantity(quantity):
        return None
    own: dict[str, str] = {}
    for q in facts.quantities:
        if q.dimension == quantity.dimension:
            own.setdefault(q.text.lower(), q.text)
    stated = ", ".join(list(own.values())[:12])
    reason = (
        f"'{quantity.text}' is not among this product's options ({stated})"
        if stated
        else f"this product's record states no {quantity.dimension}"
    )
    return Finding(
        field=field,
        start=quantity.start,
        end=quantity.end,
        text=quantity.text,
        kind="number",
        reason=reason,
    )


def _key_at(tokens: list[Token], i: int, keys: Iterable[str]) -> tuple[str, int] | None:
    """The option name among `keys` written at token `i` (longest first), with its end."""
    best: tuple[str, int] | None = None
    for key in keys:
        key_tokens = [t.norm for t in tokenize(key)]
        end = i + len(key_tokens)
        if [t.norm for t in tokens[i:end]] == key_tokens and (best is None or end > best[1]):
            best = (key, end)
    return best


def _short_code(token: Token) -> bool:
    """A bare number or a size code ("9", "XL", "A4"): what a list after an option holds."""
    return token.is_number or token.norm in SIZE_SYNONYMS


def _between(text: str, left: Token, right: Token) -> str:
    return text[left.end : right.start].strip()


@dataclass(frozen=True)
class Listed:
    """A value written after an option name ("size 9", "sizes S to XXL", "size medium")."""

    key: str
    code: str  # normalized
    start: int
    end: int
    own_key: bool  # whether the product has an option of that name


def read_lists(
    text: str, tokens: list[Token], skip: set[int], facts: ProductFacts, vocab: CopyVocabulary
) -> Iterator[Listed]:
    """Values listed after an option name: the product's own option names, and the
    catalog's names of options this product does not have."""
    catalog_keys = [k for k in vocab.base.option_values if k not in facts.values]
    i = 0
    while i < len(tokens):
        found = None if i in skip else _key_at(tokens, i, facts.values)
        own_key = found is not None
        if found is None and i not in skip:
            found = _key_at(tokens, i, catalog_keys)
        if found is None:
            i += 1
            continue
        key, j = found
        listed = 0
        while j < len(tokens) and listed < _LIST_MAX and j not in skip:
            token = tokens[j]
            gap = _between(text, tokens[j - 1], token)
            if gap not in _SEPARATORS and not (gap == ":" and listed == 0):
                break
            if token.norm in _LIST_JOINERS:
                j += 1
                continue
            # A code may be written as several glued tokens: "A4", "XL", "2XL".
            last = j
            while last + 1 < len(tokens) and tokens[last + 1].glued and last - j < 2:
                last += 1
            code = "".join(t.norm for t in tokens[j : last + 1])
            coded = _short_code(token) or (any(c.isdigit() for c in code) and len(code) <= 5)
            # After a name the product lacks, a catalog value of that name is a claim too
            # ("size medium" for a product without sizes).
            named = not own_key and code in vocab.base.option_values.get(key, {})
            if not (coded or named):
                break
            yield Listed(key, code, token.start, tokens[last].end, own_key)
            listed += 1
            j = last + 1
        i = max(i + 1, j)


def check_listed(
    field: str, text: str, listed: Iterable[Listed], facts: ProductFacts
) -> Iterator[Finding]:
    """Listed values the product does not have under that option (see `read_lists`)."""
    for item in listed:
        written = text[item.start : item.end]
        if item.own_key:
            if facts.has_value(item.key, item.code) or facts.own_value(item.code):
                continue
            values = ", ".join(facts.display_values[item.key])
            reason = (
                f"'{written}' is not a {item.key} of this product; "
                f"its {item.key} options are {values}"
            )
        else:
            reason = f"this product has no {item.key} option, so no '{written}'"
        yield Finding(
            field=field,
            start=item.start,
            end=item.end,
            text=written,
            kind="option",
            reason=reason,
            attribute=item.key,
        )


def check_counts(
    field: str,
    text: str,
    tokens: list[Token],
    skip: set[int],
    facts: ProductFacts,
) -> Iterator[Finding]:
    """Counts of choices: "four colours", "3 sizes" must match the product's options."""
    for i, token in enumerate(tokens):
        if i in skip or token.glued:  # "i9 processor", "IPX7 rating" are names, not counts
            continue
        n = int(token.norm) if token.norm.isdigit() else NUMBER_WORDS.get(token.norm)
        if n is None or n < 2 or i + 1 >= len(tokens):
            continue
        for j in (i + 1, i + 2):
            # "four colours", "3 strap colours": words side by side; "10, size 9" is a list.
            if j >= len(tokens) or j in skip or _between(text, tokens[j - 1], tokens[j]):
                break
            if tokens[j].norm in _LIST_JOINERS:  # "12 or size 11" continues a list
                break
            found = _key_at(tokens, j, facts.values)
            word = tokens[j].norm
            if found is not None:
                key = found[0]
                counts = {len(facts.values[k]) for k in facts.families[family(key)]}
                counts.add(len(facts.values[key]))
                if n not in counts:
                    yield _count_finding(field, text, token, tokens[found[1] - 1], n, key, facts)
                break
            if word in facts.families:
                keys = facts.families[word]
                counts = {len(facts.values[k]) for k in keys}
                counts.add(len(set().union(*(facts.values[k] for k in keys))))
                if n not in counts:
                    yield _count_finding(field, text, token, tokens[j], n, sorted(keys)[0], facts)
                break


def _count_finding(
    field: str, text: str, first: Token, last: Token, n: int, key: str, facts: ProductFacts
) -> Finding:
    values = facts.display_values[key]
    return Finding(
        field=field,
        start=first.start,
        end=last.end,
        text=text[first.start : last.end],
        kind="number",
        reason=f"this product has {len(values)} {key} options ({', '.join(values)}), not {n}",
        attribute=key,
    )
