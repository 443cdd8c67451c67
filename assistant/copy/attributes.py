"""Option values, product types, brands, tags and claim words named in copy.

Each catalog phrase found in a text is either backed by the product's own record (its values,
name, type, brand, tags, description) or is a statement about something else: a colour it
does not come in, another product's type, a feature it lacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.copy.facts import ProductFacts
from assistant.copy.findings import Finding, FindingKind
from assistant.copy.lexicon import (
    CLAIM_WORDS,
    NEGATIONS,
    PLAIN_WORDS,
    PRAISED,
    RELATIONAL,
    SELF_MARKERS,
    SIZE_SYNONYMS,
)
from assistant.copy.scan import Entry, Match, PhraseTable, Token, tokenize
from assistant.copy.units import find_quantities
from assistant.copy.vocabulary import CopyVocabulary, family

_CONTEXT_SKIP = frozenset({"in", "of", "with", "a", "an", "the"})
_SENTENCE_BREAK = re.compile(r"[.!?;:\n]")
_LIST_GAP = re.compile(r"\s*(?:,|/|&|,?\s*(?:and|or))\s*", re.IGNORECASE)


@dataclass
class CatalogPhrases:
    """The phrase table of one catalog vocabulary and the words of its type names."""

    table: PhraseTable
    type_words: frozenset[str]
    vocabulary: CopyVocabulary


def build_phrases(vocab: CopyVocabulary) -> CatalogPhrases:
    """Every phrase the catalog can state: values, types, brands, tags, claim words."""
    table = PhraseTable()
    base = vocab.base
    for key, counts in base.option_values.items():
        for value in counts:
            # Numbers are read as quantities or next to their option name, not as words.
            if find_quantities(value) or value.replace(".", "").isdigit():
                continue
            table.add(value, Entry("option", value, key))
    type_words: set[str] = set()
    for norm in base.product_types:
        table.add(norm, Entry("type", norm))
        type_words.update(t.norm for t in tokenize(norm))
    for norm in base.brands:
        table.add(norm, Entry("brand", norm))
    for tag in vocab.tags:
        if not tag.replace(".", "").isdigit():
            table.add(tag, Entry("tag", tag))
    for claim in CLAIM_WORDS:
        table.add(claim, Entry("claim", claim))
    return CatalogPhrases(table, frozenset(type_words), vocab)


def _listing(values: list[str]) -> str:
    return ", ".join(values[:12]) + (", ..." if len(values) > 12 else "")


def is_self_reference(text: str, tokens: list[Token], first: int) -> bool:
    """Whether a name at token `first` is what the copy calls the product ("this laptop",
    a title) rather than something it relates to ("fits your laptop", "charge a phone").

    Reads back to the start of the sentence: a relating word (your, fits, charges, than,
    ...) makes it a mention; a marker of the product itself (this, our, is) or nothing at
    all makes it the product's name.
    """
    for j in range(first - 1, max(-1, first - 9), -1):
        if _SENTENCE_BREAK.search(text[tokens[j].end : tokens[j + 1].start]):
            break
        word = tokens[j].norm
        if word in RELATIONAL:
            return False
        if word in SELF_MARKERS:
            return True
    return True


def near_keys(tokens: list[Token], match: Match, facts: ProductFacts) -> set[str]:
    """The product's option names written next to a value: "blue frame", "size: large"."""
    j = match.last
    if j < len(tokens) and tokens[j].norm in _CONTEXT_SKIP:  # "blue in the frame"? one word
        j += 1
    near = [t.norm for t in tokens[j : j + 2]]
    if match.first > 0:
        near.append(tokens[match.first - 1].norm)
    found = set()
    for key in facts.values:
        key_tokens = [t.norm for t in tokenize(key)]
        if any(word in key_tokens for word in near):
            found.add(key)
    return found


def _negated(tokens: list[Token], first: int) -> bool:
    return any(t.norm in NEGATIONS for t in tokens[max(0, first - 2) : first])


class AttributeChecker:
    """Checks the catalog phrases of one field against one product."""

    def __init__(self, phrases: CatalogPhrases, facts: ProductFacts) -> None:
        self.phrases = phrases
        self.facts = facts
        self.vocab = phrases.vocabulary

    def _plain(self, value: str, fam: str) -> bool:
        """An everyday word: a claim only when tied to an option name. Words of type names
        ("camera", "electric") count as everyday unless their attribute recurs across
        types (a "fleece" material is a claim even though "Fleece Jacket" is a type)."""
        return (
            value in PLAIN_WORDS
            or value in SIZE_SYNONYMS
            or len(value) <= 1
            or (value in self.phrases.type_words and fam not in self.vocab.shared_families)
        )

    def _distinctive(self, value: str, surface: str) -> bool:
        """Several words, a hyphen, a digit or an acronym: never an everyday word."""
        return (
            " " in value
            or "-" in value
            or any(c.isdigit() for c in value)
            or (surface.isupper() and len(surface) > 1)
        )

    def check(self, site: Site) -> Finding | None:
        """The finding for one catalog phrase, or None when the product backs it."""
        facts, match, surface = self.facts, site.match, site.surface
        key = tuple(site.tokens[j].norm for j in range(match.first, match.last))
        if key in facts.phrases:
            return self._wrong_key(site)
        by_kind: dict[str, list[Entry]] = {}
        for entry in match.entries:
            by_kind.setdefault(entry.kind, []).append(entry)
        if "brand" in by_kind and surface[:1].isupper() and not _related(site):
            own = facts.product.brand or "none recorded"
            return site.finding("brand", f"'{surface}' is another brand (this product's: {own})")
        if "type" in by_kind:
            if is_self_reference(site.text, site.tokens, match.first):
                return site.finding(
                    "type",
                    f"'{surface}' is another product type; this product is a "
                    f"{facts.product.product_type}",
                )
            return None
        if "option" in by_kind:
            result = self._option(site, by_kind["option"])
            if result is not None and "claim" in by_kind:
                return result.model_copy(update={"kind": "feature"})  # "wireless" is a claim
            if result is not None or "claim" not in by_kind:
                return result
        if "tag" in by_kind:
            tag = by_kind["tag"][0].target
            if tag not in PLAIN_WORDS and not facts.supports_claim(tag):
                return site.finding("feature", f"'{surface}' is a tag of other products only")
        following = site.tokens[match.last].norm if match.last < len(site.tokens) else ""
        if (
            "claim" in by_kind
            and not _negated(site.tokens, match.first)
            and following not in PRAISED
            and not facts.supports_claim(surface)
        ):
            return site.finding(
                "feature", f"nothing in this product's record says it is '{surface}'"
            )
        return None

    def _option(self, site: Site, entries: list[Entry]) -> Finding | None:
        facts = self.facts
        own_families = set(facts.families)
        entries = sorted(entries, key=lambda e: family(e.key) not in own_families)
        value, key = entries[0].target, entries[0].key
        fam = family(key)
        families = {family(e.key) for e in entries}
        tied = (
            any(family(k) in families for k in near_keys(site.tokens, site.match, facts))
            or self._listed_with_own(site, families)
            or self._size_code(site, value, fam)
        )
        if self._heads_own_list(site, fam):
            return None
        acronym = site.surface.isupper() and len(site.surface) > 1  # "XL", "RGB"
        if self._plain(value, fam) and not acronym:
            if not tied:
                return None
        elif not (
            fam in self.vocab.shared_families
            or fam in own_families
            or fam == "feature"
            or self._distinctive(value, site.surface)
            or tied
        ):
            return None
        kind: FindingKind = "feature" if fam == "feature" else "option"
        own_keys = sorted(facts.families.get(fam, ()))
        if own_keys:
            return site.finding(kind, self._not_its(site.surface, own_keys[0]), own_keys[0])
        return site.finding(
            kind,
            f"'{site.surface}' is a {key} value of other products; this product has no {key} "
            "option and its record does not mention it",
            key,
        )

    def _size_code(self, site: Site, value: str, fam: str) -> bool:
        """A capital size letter ("in M") where the product's own sizes are such letters."""
        own = set().union(*(self.facts.values[k] for k in self.facts.families.get(fam, ())))
        return (
            site.surface.isupper() and value in SIZE_SYNONYMS and bool(own & SIZE_SYNONYMS.keys())
        )

    def _listed_with_own(self, site: Site, families: set[str]) -> bool:
        """Whether the value stands in a list beside the product's own values of the same
        kind: "large, small and medium" for sizes large, medium and portable."""
        for other, between in (
            (site.previous, lambda m: site.text[m.end : site.match.start]),
            (site.following, lambda m: site.text[site.match.end : m.start]),
        ):
            if other is None or not _LIST_GAP.fullmatch(between(other)):
                continue
            words = tuple(site.tokens[j].norm for j in range(other.first, other.last))
            if words in self.facts.phrases and any(
                e.kind == "option" and family(e.key) in families for e in other.entries
            ):
                return True
        return False

    def _heads_own_list(self, site: Site, fam: str) -> bool:
        """A general word right after a value of the same kind names that value's kind, not
        another value: "olefin, polyester or Sunbrella fabric"."""
        before = site.previous
        if before is None or site.text[before.end : site.match.start].strip():
            return False
        return any(e.kind == "option" and family(e.key) == fam for e in before.entries)

    def _not_its(self, surface: str, key: str) -> str:
        values = _listing(self.facts.display_values[key])
        return f"'{surface}' is not a {key} of this product; its {key} options are {values}"

    def _wrong_key(self, site: Site) -> Finding | None:
        """An own value tied to the wrong option: "blue frame" when only the lens is blue."""
        facts = self.facts
        options = [e for e in site.match.entries if e.kind == "option"]
        if not options:
            return None
        value_families = {family(e.key) for e in options}
        near = near_keys(site.tokens, site.match, facts)
        candidates = sorted(k for k in near if family(k) in value_families)
        if not candidates or any(facts.has_value(k, options[0].target) for k in candidates):
            return None
        return site.finding("option", self._not_its(site.surface, candidates[0]), candidates[0])


@dataclass(frozen=True)
class Site:
    """One catalog phrase found in one field."""

    field: str
    text: str
    tokens: list[Token]
    match: Match
    previous: Match | None = None  # the catalog phrase just before, if any
    following: Match | None = None  # and the one just after

    @property
    def surface(self) -> str:
        """The phrase as written."""
        return self.text[self.match.start : self.match.end]

    def finding(self, kind: FindingKind, reason: str, attribute: str | None = None) -> Finding:
        """A finding on this phrase."""
        return Finding(
            field=self.field,
            start=self.match.start,
            end=self.match.end,
            text=self.surface,
            kind=kind,
            reason=reason,
            attribute=attribute,
        )


def _related(site: Site) -> bool:
    first = site.match.first
    return any(t.norm in RELATIONAL for t in site.tokens[max(0, first - 4) : first])


def check_matches(
    checker: AttributeChecker, field: str, text: str, tokens: list[Token], matches: list[Match]
) -> Iterator[Finding]:
    """Findings for every catalog phrase of one field."""
    for i, match in enumerate(matches):
        previous = matches[i - 1] if i > 0 else None
        following = matches[i + 1] if i + 1 < len(matches) else None
        result = checker.check(Site(field, text, tokens, match, previous, following))
        if result is not None:
            yield result
