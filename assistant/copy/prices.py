"""Price claims in copy: "$46.66", "from $45", "$40–$55", "under $50", checked against the
product's variant prices."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.copy.findings import Finding

_AMOUNT = r"(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
_MONEY = rf"(?:(?:US)?\$\s?{_AMOUNT}|{_AMOUNT}\s?(?:dollars?|usd|bucks)\b|\busd\s?{_AMOUNT})"
MONEY = re.compile(_MONEY, re.IGNORECASE)
# A second amount after the first, making a range: "$40–$55", "$40 to 55", "$40 - $55".
_RANGE_TAIL = re.compile(rf"\s*(?:-|–|—|to|and)\s*(?:\$\s?)?{_AMOUNT}(?!\s*%)", re.IGNORECASE)
_BEFORE = {
    "low": re.compile(
        r"(?:from|starting at|starts at|starting from|as low as|prices? start at)\s*$", re.I
    ),
    "max": re.compile(r"(?:under|below|less than|no more than|at most|up to|max)\s*$", re.I),
    "min": re.compile(r"(?:over|above|more than|at least)\s*$", re.I),
    "about": re.compile(r"(?:around|about|approximately|roughly|nearly|~)\s*$", re.I),
    "between": re.compile(r"between\s*$", re.I),
}


@dataclass(frozen=True)
class PriceClaim:
    """One amount of money in a text and what the copy says with it."""

    start: int
    end: int
    amount: float
    role: str  # "single" | "low" | "max" | "min" | "about" | "range-low" | "range-high"


def _value(groups: tuple[str | None, ...]) -> float:
    text = next(g for g in groups if g is not None)
    return float(text.replace(",", ""))


def find_prices(text: str) -> list[PriceClaim]:
    """Every amount of money in `text`, with its role."""
    claims: list[PriceClaim] = []
    taken_until = -1
    for match in MONEY.finditer(text):
        if match.start() < taken_until:
            continue
        head = text[max(0, match.start() - 24) : match.start()]
        role = next((r for r, pattern in _BEFORE.items() if pattern.search(head)), "single")
        tail = _RANGE_TAIL.match(text, match.end())
        amount = _value(match.groups())
        joined_by_and = tail is not None and re.match(r"\s*and\b", tail.group(), re.I)
        if tail is not None and (role == "between" or not joined_by_and):
            second = float(tail.group(1).replace(",", ""))
            second_start = tail.start(1) - (1 if text[tail.start(1) - 1] == "$" else 0)
            claims.append(PriceClaim(match.start(), match.end(), amount, "range-low"))
            claims.append(PriceClaim(second_start, tail.end(), second, "range-high"))
            taken_until = tail.end()
            continue
        claims.append(PriceClaim(match.start(), match.end(), amount, role))
    return claims


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _near(a: float, b: float) -> bool:
    """Within rounding of a bound: a dollar, or 1% of large prices ('from $2,700')."""
    return abs(a - b) <= max(1.0, 0.01 * b)


def check_prices(field: str, text: str, prices: list[float]) -> Iterator[Finding]:
    """Findings for the price claims of one field.

    A single price must be one of the variant prices (to the cent, or rounded to the dollar
    when written without cents); a range's ends and a "from" price must lie at the product's
    range; "under X" needs a variant under X, "over X" one over it.
    """
    low, high = min(prices), max(prices)
    span = f"{_money(low)}–{_money(high)}" if low != high else _money(low)
    for claim in find_prices(text):
        x, role = claim.amount, claim.role
        whole = x == int(x) and "." not in text[claim.start : claim.end]
        if role == "single":
            ok = any(abs(x - p) < 0.005 or (whole and abs(x - p) < 1.0) for p in prices)
            why = f"{_money(x)} is not a price of any variant (prices {span})"
        elif role == "low":
            ok = (x <= low + 0.005 and _near(x, low)) or (whole and abs(x - low) < 1.0)
            why = f"the lowest price is {_money(low)}, not {_money(x)}"
        elif role in ("range-low", "range-high"):
            ok = low - max(1.0, 0.01 * low) <= x <= high + max(1.0, 0.01 * high)
            why = f"{_money(x)} is outside the product's price range {span}"
        elif role == "max":
            ok = low < x
            why = f"no variant costs under {_money(x)} (prices {span})"
        elif role == "min":
            ok = high > x
            why = f"no variant costs over {_money(x)} (prices {span})"
        else:  # "about"
            ok = 0.9 * low <= x <= 1.1 * high
            why = f"{_money(x)} is far from the product's prices ({span})"
        if not ok:
            yield Finding(
                field=field,
                start=claim.start,
                end=claim.end,
                text=text[claim.start : claim.end],
                kind="price",
                reason=why,
            )
