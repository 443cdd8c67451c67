"""Availability claims ("in stock", "sold out", "every size in stock", "only 3 left"),
checked against the variants the sentence is about."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from assistant.copy.facts import ProductFacts
from assistant.copy.findings import Finding
from assistant.copy.lexicon import NUMBER_WORDS
from assistant.copy.scan import sentence_bounds

IN_STOCK = re.compile(
    r"\b(?:back\s+in[\s-]stock|in[\s-]stock|available\s+(?:now|today)|ready\s+to\s+ship|"
    r"ships\s+(?:today|now|immediately|right\s+away))\b",
    re.IGNORECASE,
)
OUT_OF_STOCK = re.compile(
    r"\b(?:sold[\s-]out|out[\s-]of[\s-]stock|(?:currently\s+)?unavailable|"
    r"no\s+longer\s+available|not\s+available)\b",
    re.IGNORECASE,
)
# The catalog keeps whether a variant can be bought, never how many are left.
SCARCITY = re.compile(
    r"\b(?:only\s+(?:\d+|a\s+few|one|two|three)\s+left|limited\s+stock|low\s+stock|"
    r"few\s+left|almost\s+gone|selling\s+out)\b",
    re.IGNORECASE,
)
_ALL = re.compile(r"\b(?:every|all|each|any|entire|whole)\b", re.IGNORECASE)
_MOST = re.compile(r"\bmost\b", re.IGNORECASE)
_SOME = re.compile(r"\b(?:some|selected|select|several|certain|a few|many)\b", re.IGNORECASE)
_COUNT = re.compile(
    r"\b(?P<n>\d+|" + "|".join(NUMBER_WORDS) + r")\s+(?:of\s+(?:its|the|our)\s+"
    r"(?P<m>\d+|"
    + "|".join(NUMBER_WORDS)
    + r")\s+)?(?:versions?|variants?|options?|models?|items?)\b",
    re.IGNORECASE,
)

Scope = Callable[[str, int, int], dict[str, set[str]]]


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _finding(field: str, text: str, match: re.Match[str], reason: str) -> Finding:
    return Finding(
        field=field,
        start=match.start(),
        end=match.end(),
        text=match.group(),
        kind="availability",
        reason=reason,
    )


def _names_option(text: str, facts: ProductFacts) -> bool:
    """Whether `text` ends with one of the product's option names ("... size")."""
    words = text.lower().split()
    return bool(words) and any(key.split()[-1] == words[-1] for key in facts.values)


def check_stock(field: str, text: str, facts: ProductFacts, scope_of: Scope) -> Iterator[Finding]:
    """Findings for the stock claims of one field.

    Args:
        field: Field name.
        text: Field text.
        facts: The product.
        scope_of: Option values (key → normalized values) the text names between two offsets;
            a claim is about the variants with those values.
    """
    for start, end in sentence_bounds(text):
        sentence = text[start:end]
        scope = scope_of(text, start, end)
        variants = facts.matching_variants(scope)
        named = ", ".join(sorted(v for vals in scope.values() for v in vals)) or "any option"
        total = len(facts.product.variants)
        in_stock = [v for v in variants if v.available]
        for match in SCARCITY.finditer(text, start, end):
            yield _finding(
                field, text, match, "the catalog records whether items can be bought, not how many"
            )
        for match in IN_STOCK.finditer(text, start, end):
            # The quantifier of a stock claim stands just before it: "every size is in stock".
            before = " ".join(text[start : match.start()].split()[-6:])
            count = _COUNT.search(before)
            if count and _names_option(before[: count.start()], facts):
                count = None  # "the size 10 version": 10 is a value, not a count
            if scope and not variants:
                yield _finding(field, text, match, f"no variant has {named}")
            elif count:
                n = _count(count.group("n"))
                m = _count(count.group("m")) if count.group("m") else None
                if n != len(in_stock) or (m is not None and m != len(variants)):
                    yield _finding(
                        field,
                        text,
                        match,
                        f"{len(in_stock)} of {len(variants)} variants ({named}) are in stock",
                    )
            elif _ALL.search(before) and len(in_stock) < len(variants):
                yield _finding(
                    field,
                    text,
                    match,
                    f"only {len(in_stock)} of {len(variants)} variants ({named}) are in stock",
                )
            elif _MOST.search(before) and 2 * len(in_stock) <= len(variants):
                yield _finding(
                    field,
                    text,
                    match,
                    f"{len(in_stock)} of {len(variants)} variants ({named}) are in stock",
                )
            elif not in_stock:
                yield _finding(
                    field, text, match, f"no variant with {named} is in stock ({total} variants)"
                )
        for match in OUT_OF_STOCK.finditer(text, start, end):
            before = " ".join(sentence[: match.start() - start].split()[-6:])
            if scope and not variants:
                yield _finding(field, text, match, f"no variant has {named}")
            elif _SOME.search(before):
                if len(in_stock) == len(variants):
                    yield _finding(field, text, match, f"every variant with {named} is in stock")
            elif in_stock:
                yield _finding(
                    field,
                    text,
                    match,
                    f"{len(in_stock)} of {len(variants)} variants with {named} are in stock",
                )
