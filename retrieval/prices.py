"""Price constraints in free text: "under $50", "$20-$40", "around 100 dollars"."""

from __future__ import annotations

import re

_NUM = r"(\d+(?:[.,]\d{1,2})?)"
_CUR_PRE = r"(?:\$|usd\s*|us\$)"
_CUR_POST = r"(?:\s*(?:dollars?|usd|bucks|\$))"
# A number followed by one of these units is not a price ("under 10 inches", "over 1000 pieces").
_UNIT = (
    r"(?!\s*(?:%|inch|inches|in\b|\"|cm\b|mm\b|ft\b|feet|foot|lbs?\b|pounds?|kg\b|g\b|gb\b|tb\b|"
    r"mb\b|mah\b|w\b|watts?|cups?|l\b|liters?|litres?|ml\b|oz\b|pieces?|pcs\b|pc\b|bar\b|"
    r"degrees?|hours?|hrs?\b|x\b|mp\b|k\b|p\b|-))"
)
_AMOUNT = rf"(?:{_CUR_PRE}\s*{_NUM}{_CUR_POST}?|{_NUM}{_CUR_POST}|{_NUM}\b{_UNIT})"

_MAX_WORDS = (
    r"under|below|less than|lower than|cheaper than|at most|no more than|not more than|"
    r"nothing (?:over|above|more than)|not (?:over|above)|no (?:higher|pricier) than|"
    r"up to|max(?:imum)?|within|budget(?:'s|\s+is|\s+of)?:?|spend(?:ing)?|<=?"
)
_MIN_WORDS = r"over|above|more than|higher than|at least|min(?:imum)?|starting at|>=?"

_BETWEEN = re.compile(
    rf"\b(?:between|from)\s+{_AMOUNT}\s*(?:and|to|-|–)\s*{_AMOUNT}", re.IGNORECASE
)
_RANGE = re.compile(
    rf"(?:{_CUR_PRE}\s*{_NUM}|{_NUM}{_CUR_POST})\s*(?:-|–|to)\s*{_AMOUNT}"
    rf"|\b{_NUM}\s*(?:-|–|to)\s*{_NUM}{_CUR_POST}",
    re.IGNORECASE,
)
_MAX = re.compile(rf"(?<![a-z])(?:{_MAX_WORDS})\s*{_AMOUNT}", re.IGNORECASE)
_MIN = re.compile(rf"(?<![a-z])(?:{_MIN_WORDS})\s*{_AMOUNT}", re.IGNORECASE)
_MAX_AFTER = re.compile(
    rf"(?:{_CUR_PRE}\s*{_NUM}|{_NUM}{_CUR_POST})\s*(?:or|and)\s+(?:less|under|below|cheaper)\b"
    rf"|(?:{_CUR_PRE}\s*{_NUM}|{_NUM}{_CUR_POST})\s*(?:max(?:imum)?|tops|at most)\b",
    re.IGNORECASE,
)
_SPEND = re.compile(
    rf"(?<![a-z])(?:spend(?:ing)?|pay(?:ing)?)\s+(?:more than|over|above)\s*{_AMOUNT}",
    re.IGNORECASE,
)
"""A ceiling worded with a lower-bound phrase: "not spend more than", "don't want to pay over"."""
_MIN_AFTER = re.compile(
    rf"(?:{_CUR_PRE}\s*{_NUM}|{_NUM}{_CUR_POST})\s*(?:(?:or|and)\s+(?:more|over|above|up)\b|\+)",
    re.IGNORECASE,
)
_BOUNDS = ((_SPEND, True), (_MAX, True), (_MAX_AFTER, True), (_MIN, False), (_MIN_AFTER, False))
"""Ceiling and floor phrases, in the order they are tried (a spending ceiling before "over")."""
_AROUND = re.compile(rf"\b(?:around|about|approximately|roughly|~)\s*{_AMOUNT}", re.IGNORECASE)


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, "hundred", "thousand", "a", "and"])
_SPELLED = re.compile(
    rf"\b((?:(?:{_NUMBER_WORD})[\s-]+)*(?:{'|'.join([*_UNITS, *_TENS, 'hundred', 'thousand'])}))"
    rf"(?=\s*(?:dollars?|bucks|usd)\b)",
    re.IGNORECASE,
)
""""a hundred bucks", "two hundred and fifty dollars": a spelled amount before a currency."""


def _spelled_value(words: str) -> int | None:
    total = current = 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word in _UNITS:
            current += _UNITS.index(word)
        elif word in _TENS:
            current += 20 + 10 * _TENS.index(word)
        elif word == "a":
            current += 1
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total, current = total + max(current, 1) * 1000, 0
    value = total + current
    return value or None


def _digits(text: str) -> str:
    """The text with spelled amounts before a currency word written as digits."""

    def written(match: re.Match[str]) -> str:
        value = _spelled_value(match.group(1))
        return str(value) if value is not None else match.group(0)

    return _SPELLED.sub(written, text)


def _amount(groups: tuple[str | None, ...]) -> list[float]:
    return [float(g.replace(",", ".")) for g in groups if g is not None]


def _money(value: float) -> str:
    return f"${value:g}" if value == int(value) else f"${value:.2f}"


def parse_price(text: str, understood: list[str]) -> tuple[str, float | None, float | None]:
    """Read a price constraint ("under $50", "between 20 and 40 dollars", "$100 and up").

    Returns the text without the price phrase and the (low, high) bounds; appends what was
    understood to `understood`. A number followed by a unit ("10 inches") is not a price.
    """
    text = _digits(text)
    low: float | None = None
    high: float | None = None
    for pattern in (_BETWEEN, _RANGE):
        match = pattern.search(text)
        if match:
            a, b = _amount(match.groups())[:2]
            low, high = min(a, b), max(a, b)
            understood.append(f"price between {_money(low)} and {_money(high)}")
            return text[: match.start()] + " " + text[match.end() :], low, high
    match = _AROUND.search(text)
    if match:
        value = _amount(match.groups())[0]
        low, high = round(value * 0.8, 2), round(value * 1.2, 2)
        understood.append(f"price around {_money(value)} ({_money(low)}-{_money(high)})")
        return text[: match.start()] + " " + text[match.end() :], low, high
    for pattern, is_max in _BOUNDS:
        match = pattern.search(text)
        if match and (high if is_max else low) is None:
            value = _amount(match.groups())[0]
            if is_max:
                high = value
                understood.append(f"price under {_money(value)}")
            else:
                low = value
                understood.append(f"price over {_money(value)}")
            text = text[: match.start()] + " " + text[match.end() :]
    return text, low, high
