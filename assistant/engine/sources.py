"""Where values the shopper gives may come from: the shopper's own words.

Ids are held to the records the conversation showed (`shown`); the values a shopper states
are held here to what the shopper wrote:

- identity values (email, first and last name, zip) only as they appear in the shopper's
  messages, so an identity lookup cannot be made with a name nobody gave;
- search queries and help questions only in the shopper's words, plus catalog words that fix
  a misspelling of one ("headphnes" → "headphones"), so the query is the shopper's need and
  not the model's invention. Words that only frame a need ("a gift for", "ideas") are left
  out of queries, so a vague need is searched on the need itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import pairwise

from assistant.engine.addresses import without_addresses
from assistant.engine.catalog_ids import CatalogIdMap, typed_ids
from assistant.llm.types import ArgumentHold, Message
from retrieval.text import singular

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
ZIP = re.compile(r"(?<![\w#])\d{5}(?:-\d{4})?(?!\w)")
_NAME = re.compile(r"(?<![\w@.])[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'-]*(?![\w@])")
_WORD = re.compile(r"[\w$][\w'$.-]*[\w%]|[\w$]")
FRAMING = frozenset(
    {
        "gift", "gifts", "present", "presents", "idea", "ideas", "birthday", "christmas",
        "anniversary", "someone", "somebody", "something", "anything", "stuff", "thing", "things",
        "suggestion", "suggestions", "recommend", "recommendation", "looking", "look", "need",
        "want", "buy", "get", "please", "hi", "hello", "hey", "thanks", "thank", "you", "i", "me",
        "my", "mine", "we", "our", "a", "an", "the", "for", "to", "of", "and", "or", "with", "who",
        "which", "that", "this", "is", "are", "be", "likes", "like", "loves", "love", "into",
        "any", "some", "can", "could", "would", "should", "do", "does", "show", "find", "give",
        "tell", "what", "whats", "your",
    }
)  # fmt: skip
"""Words that frame a request rather than name what is wanted."""
MAX_QUERY_WORDS = 10
IDENTITY_ARGUMENTS = ("email", "first_name", "last_name", "zip")
WORD_ARGUMENTS = ("query", "question", "context")


def shopper_texts(messages: Sequence[Message]) -> list[str]:
    """What the shopper wrote, in order."""
    return [str(m.get("content") or "") for m in messages if m.get("role") == "user"]


def identity_holds(texts: Sequence[str]) -> dict[str, ArgumentHold]:
    """Identity arguments held to the values the shopper's messages contain.

    In a message with capitalized words side by side ("Isabella Lopez, 85034") the first name
    is the first of such a pair and the last name the second; otherwise any word of it.
    """
    joined = "\n".join(texts)
    emails = sorted({e.rstrip(".") for e in EMAIL.findall(joined)})
    without_emails = EMAIL.sub(" ", joined)
    zips = sorted(set(ZIP.findall(without_emails)))
    firsts: set[str] = set()
    lasts: set[str] = set()
    for text in texts:
        text = EMAIL.sub(" ", text)
        pairs = _capitalized_pairs(text)
        names = {n for n in _NAME.findall(text) if len(n) > 1}
        firsts |= {f for f, _ in pairs} if pairs else names
        lasts |= {last for _, last in pairs} if pairs else names
    return {
        "email": ArgumentHold(allowed=tuple(emails)),
        "first_name": ArgumentHold(allowed=tuple(sorted(firsts))),
        "last_name": ArgumentHold(allowed=tuple(sorted(lasts))),
        "zip": ArgumentHold(allowed=tuple(zips)),
    }


def sign_in_by_name(text: str) -> dict[str, str] | None:
    """The name and zip to sign in with when `text` gives them unambiguously beside a new
    address ("Mason Wilson 85028. change my address to 18 W Roosevelt St, Phoenix, AZ 85003"):
    one capitalized first and last name, and one zip besides the address's. None otherwise
    (the model writes them, held to the shopper's words)."""
    rest, new = without_addresses(EMAIL.sub(" ", text))
    zips = sorted(set(ZIP.findall(rest)) - new)
    pairs = set(_capitalized_pairs(rest))
    if not new or len(zips) != 1 or len(pairs) != 1:
        return None
    ((first, last),) = pairs
    return {"first_name": first, "last_name": last, "zip": zips[0]}


def _capitalized_pairs(text: str) -> list[tuple[str, str]]:
    """Capitalized words written side by side ("Isabella Lopez, 85034"): a name given as first
    and last name. Then the first name is the first of such a pair and the last name the second,
    never the other way round."""
    found = []
    for line in text.splitlines():
        words = [(m.start(), m.end(), m.group()) for m in _NAME.finditer(line)]
        for (_, end, first), (start, _, last) in pairwise(words):
            capitalized = first[:1].isupper() and last[:1].isupper() and len(last) > 1
            if capitalized and len(first) > 1 and line[end:start].strip() == "":
                found.append((first, last))
    return found


def words_of(text: str) -> list[str]:
    """The words of `text` as typed (punctuation at their ends dropped)."""
    return [w.strip(".,!?;:'\"()") for w in _WORD.findall(text) if w.strip(".,!?;:'\"()")]


@lru_cache(maxsize=4096)
def _edits(a: str, b: str) -> int:
    if abs(len(a) - len(b)) > 2:
        return 3
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def spelling_fixes(words: Iterable[str], vocabulary: Iterable[str]) -> set[str]:
    """Catalog words that are a close misspelling of one of `words` (one edit, two for long)."""
    vocab = [v for v in vocabulary if len(v) >= 4]
    fixes = set()
    for word in {w.lower() for w in words if len(w) >= 4}:
        limit = 1 if len(word) < 7 else 2
        fixes |= {v for v in vocab if v != word and _edits(word, v) <= limit}
    return fixes


def _alternatives(words: Iterable[str]) -> list[str]:
    forms: set[str] = set()
    for word in words:
        forms |= {word, word.lower(), word.capitalize()}
    return sorted(forms, key=lambda w: (-len(w), w))


def words_pattern(words: Iterable[str], most: int = MAX_QUERY_WORDS) -> str | None:
    """A regex accepting 1 to `most` of `words`, separated by a space (after a comma or the
    like), with a question mark or full stop at the end allowed."""
    forms = _alternatives(words)
    if not forms:
        return None
    one = "(?:" + "|".join(re.escape(w) for w in forms) + ")"
    return f"^{one}(?:[,;:]? {one}){{0,{most - 1}}}[?.!]?$"


def word_holds(texts: Sequence[str], vocabulary: Iterable[str]) -> dict[str, ArgumentHold]:
    """Query, question and context arguments held to the shopper's words (and spelling fixes).

    The latest message's words count most, but earlier ones stay allowed: a follow-up ("in
    blue?") is searched together with what it refines.
    """
    typed = [w for text in texts for w in words_of(text)]
    need = [w for w in typed if w.lower() not in FRAMING]
    query = words_pattern([*need, *spelling_fixes(need, vocabulary)])
    question = words_pattern([*typed, *spelling_fixes(typed, vocabulary)], most=40)
    return {
        "query": ArgumentHold(pattern=query) if query else ArgumentHold(allowed=()),
        "question": ArgumentHold(pattern=question) if question else ArgumentHold(allowed=()),
        "context": ArgumentHold(pattern=question) if question else ArgumentHold(allowed=()),
    }


_REFERRING = frozenset({"one", "ones", "it", "them", "those", "that", "these", "this", "same"})


def need_words(text: str) -> list[str]:
    """The words of `text` that say what is wanted (framing words left out)."""
    return [w for w in words_of(text) if w.lower() not in FRAMING]


def search_query(text: str, earlier: str | None, names_a_kind: bool) -> str:
    """The query for a search the shopper asks for in `text`.

    A follow-up that refers back or only adds a constraint ("the cheapest ones", "in blue?")
    refines the search before it (`earlier`), unless it names a kind of product itself.

    Args:
        text: The shopper's message.
        earlier: The query of the last search of the conversation, if any.
        names_a_kind: Whether `text` names a product type the catalog has.
    """
    need = need_words(text)
    refers = any(w.lower() in _REFERRING for w in words_of(text))
    if earlier and not names_a_kind and (refers or len(need) <= 4):
        need = [*words_of(earlier), *need]
    return " ".join(need) or text.strip()


_COUNTS = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "both": 2, "couple": 2,
}  # fmt: skip
_COUNT = re.compile(
    r"(?<![\w$.#])(?<!size )(?<!sizes )(\d{1,2}|"  # "size 9" is no count
    + "|".join(sorted(_COUNTS, key=len, reverse=True))
    + r")\b"
    r"(?!\s*(?:ml|l|gb|tb|mb|inch|\"|cm|mm|ft|foot|feet|%|hours?|kg|g|lbs?|oz|mp|k|p)\b)",
    re.IGNORECASE,
)
_ID = re.compile(r"(?<![\w#])\d{6,}(?!\w)")


def quantities(text: str, ids: CatalogIdMap | None = None) -> list[tuple[str | None, int]]:
    """The items (ids) a cart request names, each with the count before it; without ids, one
    line with the first count in the text (1 when none is given).

    Args:
        text: The shopper's message.
        ids: The catalog's ids (`Vocabulary.ids`): an id of any form the text names is an
            item, besides the long numbers that are ids in any catalog.
    """
    named = {(m.start(), m.end(), m.group()) for m in _ID.finditer(text)}
    named |= {(t.start, t.end, t.id) for t in typed_ids(text, ids or {})}
    lines: list[tuple[str | None, int]] = []
    for start, _, item in sorted(named):
        before = list(_COUNT.finditer(text[max(0, start - 12) : start]))
        count = _count(before[-1].group(1)) if before else 1
        lines.append((item, count))
    if lines:
        return lines
    first = next(
        (m for m in _COUNT.finditer(_ID.sub(" ", text)) if m.group(1).lower() not in ("a", "an")),
        None,
    )
    return [(None, _count(first.group(1)) if first else 1)]


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _COUNTS[word.lower()]


_FORGED = re.compile(
    r"<\s*/?\s*(?:user|system|assistant|tool)\b[^>]*>|<\|im_(?:start|end)\|>|\[/?(?:system|inst)\]",
    re.IGNORECASE,
)


def own_words(text: str) -> str:
    """The shopper's message up to any forged turn boundary ("</user><system>…"): what comes
    after one pretends to be someone else and asks for nothing on the shopper's behalf."""
    match = _FORGED.search(text)
    return text[: match.start()] if match else text


_PARTS = re.compile(r",|;|\band\b|\bplus\b|&|\balso\b", re.IGNORECASE)


def described_items(text: str, kinds: Sequence[str]) -> list[str]:
    """The parts of a cart request that each describe one item, when it describes several
    kinds ("a blue water bottle and the black gaming mouse"); else [] (one item or none).

    A part starts an item when it names one of `kinds` (the catalog types the message
    names) by the type's last word; a part naming none (", size 9") belongs to the item
    before it, and one before any item ("hi,") is left out.
    """
    if len(kinds) < 2:
        return []
    heads = {singular(k.lower().split()[-1]) for k in kinds}
    items: list[str] = []
    for part in (p.strip() for p in _PARTS.split(text) if p.strip()):
        if heads & {singular(w) for w in re.findall(r"[a-z]+", part.lower())}:
            items.append(part)
        elif items:  # "..., size 9": more about the item before
            items[-1] = f"{items[-1]}, {part}"
    return items if len(items) >= 2 else []
