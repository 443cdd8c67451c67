"""The faithfulness check: every value, number, price and claim the copy states, against the
catalog record of the product it describes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.copy.attributes import AttributeChecker, CatalogPhrases, build_phrases, check_matches
from assistant.copy.draft import CopyDraft
from assistant.copy.facts import ProductFacts, variants_of
from assistant.copy.findings import Finding
from assistant.copy.lexicon import CLAIM_PATTERN, INCLUDES, NOT_CLAIMS
from assistant.copy.numbers import Listed, check_counts, check_listed, check_quantity, read_lists
from assistant.copy.prices import check_prices, find_prices
from assistant.copy.scan import Match, Token, find_phrases, tokenize
from assistant.copy.stock import check_stock
from assistant.copy.units import Quantity, find_quantities
from assistant.copy.vocabulary import CopyVocabulary
from retrieval.catalog import Product
from retrieval.table import Vocabulary
from retrieval.text import STOPWORDS, normalize

# Earlier kinds win when two findings cover the same words.
_PRIORITY = ("price", "availability", "brand", "type", "number", "option", "feature")


def _covered(tokens: list[Token], spans: Iterable[tuple[int, int]]) -> set[int]:
    spans = list(spans)
    return {i for i, t in enumerate(tokens) if any(a <= t.start and t.end <= b for a, b in spans)}


class CopyChecker:
    """Checks drafts against one catalog; the catalog's phrase table is built once.

    Args:
        vocabulary: The catalog's vocabulary, or a search `Vocabulary` (then without tags).
    """

    def __init__(self, vocabulary: CopyVocabulary | Vocabulary) -> None:
        if isinstance(vocabulary, Vocabulary):
            vocabulary = CopyVocabulary.from_vocabulary(vocabulary)
        self.vocabulary = vocabulary
        self.phrases: CatalogPhrases = build_phrases(vocabulary)

    @classmethod
    def for_catalog(cls, products: Iterable[Product]) -> CopyChecker:
        """A checker whose vocabulary is learned from `products`."""
        return cls(CopyVocabulary.from_products(products))

    def __call__(self, product: Product, draft: CopyDraft) -> list[Finding]:
        """The findings of `draft` for `product` (see `check_copy`)."""
        facts = ProductFacts.of(product)
        findings: list[Finding] = []
        for field, text in draft.texts():
            if text:
                findings += self._check_text(field, text, facts)
        return _deduplicate(findings)

    def _check_text(self, field: str, text: str, facts: ProductFacts) -> list[Finding]:
        findings: list[Finding] = []
        tokens = tokenize(text)
        quantities = find_quantities(text)
        prices = find_prices(text)
        skip = _covered(tokens, [(q.start, q.end) for q in quantities])
        skip |= _covered(tokens, [(p.start, p.end) for p in prices])

        findings += check_prices(field, text, facts.prices)
        findings += [f for q in quantities if (f := check_quantity(field, q, facts))]
        matches = find_phrases(tokens, self.phrases.table, skip)
        attributes = AttributeChecker(self.phrases, facts)
        findings += check_matches(attributes, field, text, tokens, matches)
        listed = list(read_lists(text, tokens, skip, facts, self.vocabulary))
        findings += check_listed(field, text, listed, facts)
        findings += check_counts(field, text, tokens, skip, facts)
        findings += self._claim_compounds(field, text, facts, findings)
        findings += _inclusions(field, text, tokens, facts, findings)

        def scope(text: str, start: int, end: int) -> dict[str, set[str]]:
            return _scope(facts, matches, quantities, listed, start, end)

        findings += check_stock(field, text, facts, scope)
        return findings

    def _claim_compounds(
        self, field: str, text: str, facts: ProductFacts, found: list[Finding]
    ) -> list[Finding]:
        """Claim-shaped compounds the catalog has no word for: "fade-resistant", "anti-fog"."""
        out = []
        for match in CLAIM_PATTERN.finditer(text):
            word = match.group()
            if word.lower() in NOT_CLAIMS or any(
                f.overlaps(match.start(), match.end()) for f in found
            ):
                continue
            if facts.supports_claim(word) or facts.supports_phrase(word):
                continue
            if word.lower().startswith(("non-", "anti-")) and facts.supports_claim(word[5:]):
                continue
            out.append(
                Finding(
                    field=field,
                    start=match.start(),
                    end=match.end(),
                    text=word,
                    kind="feature",
                    reason=f"nothing in this product's record says it is '{word}'",
                )
            )
        return out


_PHRASE_STOP = re.compile(r"[,.;:!?()]|\s(?:and|or|for|to|that|which|so|in|on)\s", re.IGNORECASE)
_FILLER = frozenset("a an the of its your built new extra choice option selection range".split())


def _inclusions(
    field: str, text: str, tokens: list[Token], facts: ProductFacts, found: list[Finding]
) -> list[Finding]:
    """What the copy says the product comes with ("includes a carrying case"): at least one
    of its words must be the product's own."""
    out = []
    for match in INCLUDES.finditer(text):
        rest = text[match.end() :]
        stop = _PHRASE_STOP.search(" " + rest)
        phrase = rest[: max(0, stop.start() - 1)] if stop else rest
        words = tokenize(phrase)[:4]
        if not words:
            continue
        start, end = match.end() + words[0].start, match.end() + words[-1].end
        if any(f.field == field and f.overlaps(start, end) for f in found):
            continue
        # Function words ("in" of "built-in") are in every description: they back nothing.
        content = [w.norm for w in words if w.norm not in _FILLER and w.norm not in STOPWORDS]
        if not content or any((w,) in facts.phrases for w in content):
            continue
        out.append(
            Finding(
                field=field,
                start=start,
                end=end,
                text=text[start:end],
                kind="feature",
                reason=f"nothing in this product's record says it comes with '{text[start:end]}'",
            )
        )
    return out


def _scope(
    facts: ProductFacts,
    matches: list[Match],
    quantities: list[Quantity],
    listed: list[Listed],
    start: int,
    end: int,
) -> dict[str, set[str]]:
    """The product's option values a sentence names: what its stock claim is about."""
    scope: dict[str, set[str]] = {}
    for item in listed:
        if item.own_key and start <= item.start and item.end <= end:
            same = facts.values[item.key] & variants_of(item.code)
            if same:
                scope.setdefault(item.key, set()).update(same)
    for match in matches:
        if not (start <= match.start and match.end <= end):
            continue
        for entry in match.entries:
            if entry.kind == "option":
                for key, values in facts.values.items():
                    same = values & variants_of(entry.target)
                    if same:
                        scope.setdefault(key, set()).update(same)
    for quantity in quantities:
        if not (start <= quantity.start and quantity.end <= end):
            continue
        for key, shown in facts.display_values.items():
            for value in shown:
                if any(
                    q.dimension == quantity.dimension and q.values == quantity.values
                    for q in find_quantities(value)
                ):
                    scope.setdefault(key, set()).add(normalize(value))
    return scope


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    """One finding per stretch of text: the most specific kind, then the earliest."""
    ordered = sorted(findings, key=lambda f: (_PRIORITY.index(f.kind), f.field, f.start))
    kept: list[Finding] = []
    for finding in ordered:
        if any(k.field == finding.field and k.overlaps(finding.start, finding.end) for k in kept):
            continue
        kept.append(finding)
    order = {name: i for i, (name, _) in enumerate(CopyDraft().texts())}
    return sorted(kept, key=lambda f: (order.get(f.field, _bullet_rank(f.field)), f.start))


def _bullet_rank(field: str) -> float:
    # Bullets sit between the short description (1) and the meta description.
    return 1.5 + int(field[len("bullets[") : -1]) / 1000 if field.startswith("bullets[") else 9


def check_copy(
    product: Product, draft: CopyDraft, vocabulary: CopyVocabulary | Vocabulary
) -> list[Finding]:
    """Every statement of `draft` that `product`'s catalog record does not support.

    Option values (any known in the catalog), numbers with units, counts of choices, prices,
    stock claims, other products' types and brands, and feature words (catalog option values
    and tags, common claim words) are read from each field and compared with the product's
    options, variants, name, type, brand, description and tags.

    Args:
        product: The product the copy is for.
        draft: The copy.
        vocabulary: The catalog's vocabulary (`CopyVocabulary.from_products`), or the search
            `Vocabulary` of the indexed catalog.

    Returns:
        Findings in field order, each with its span in that field's text.

    Each call builds the catalog's phrase table; to check many drafts, build one
    `CopyChecker` and call it.
    """
    return CopyChecker(vocabulary)(product, draft)
