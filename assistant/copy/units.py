"""Numbers with units ("500ml", "15-inch", "30-50 lbs", "20 hours"), in comparable form.

A quantity is kept as (dimension, value in the dimension's base unit), so "1L", "1 liter" and
"1000ml" are the same claim and "15 inches" matches a catalog's "15-inch".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# surface form → (dimension, factor to the base unit). Single letters are read only when
# written glued to the number ("4K", "10x", "5m"), never after a space.
_UNITS: dict[str, tuple[str, float]] = {
    "mm": ("length", 0.001),
    "cm": ("length", 0.01),
    "m": ("length", 1.0),
    "meter": ("length", 1.0),
    "meters": ("length", 1.0),
    "metre": ("length", 1.0),
    "metres": ("length", 1.0),
    "km": ("length", 1000.0),
    "in": ("length", 0.0254),
    "inch": ("length", 0.0254),
    "inches": ("length", 0.0254),
    '"': ("length", 0.0254),
    "″": ("length", 0.0254),
    "ft": ("length", 0.3048),
    "foot": ("length", 0.3048),
    "feet": ("length", 0.3048),
    "yd": ("length", 0.9144),
    "ml": ("volume", 0.001),
    "cl": ("volume", 0.01),
    "l": ("volume", 1.0),
    "liter": ("volume", 1.0),
    "liters": ("volume", 1.0),
    "litre": ("volume", 1.0),
    "litres": ("volume", 1.0),
    "gal": ("volume", 3.785),
    "gallon": ("volume", 3.785),
    "gallons": ("volume", 3.785),
    "cup": ("cups", 1.0),
    "cups": ("cups", 1.0),
    "oz": ("ounces", 1.0),
    "ounce": ("ounces", 1.0),
    "ounces": ("ounces", 1.0),
    "mg": ("mass", 1e-6),
    "g": ("mass", 0.001),
    "gram": ("mass", 0.001),
    "grams": ("mass", 0.001),
    "kg": ("mass", 1.0),
    "lb": ("mass", 0.45359),
    "lbs": ("mass", 0.45359),
    "pound": ("mass", 0.45359),
    "pounds": ("mass", 0.45359),
    "kb": ("data", 1e3),
    "mb": ("data", 1e6),
    "gb": ("data", 1e9),
    "tb": ("data", 1e12),
    "mah": ("charge", 1.0),
    "wh": ("energy", 1.0),
    "w": ("power", 1.0),
    "watt": ("power", 1.0),
    "watts": ("power", 1.0),
    "kw": ("power", 1000.0),
    "h": ("time", 3600.0),
    "hr": ("time", 3600.0),
    "hrs": ("time", 3600.0),
    "hour": ("time", 3600.0),
    "hours": ("time", 3600.0),
    "min": ("time", 60.0),
    "minute": ("time", 60.0),
    "minutes": ("time", 60.0),
    "day": ("time", 86400.0),
    "days": ("time", 86400.0),
    "week": ("time", 604800.0),
    "weeks": ("time", 604800.0),
    "month": ("time", 2.63e6),
    "months": ("time", 2.63e6),
    "year": ("time", 3.156e7),
    "years": ("time", 3.156e7),
    "bar": ("pressure", 1.0),
    "psi": ("pressure", 0.0689),
    "p": ("lines", 1.0),
    "k": ("k-resolution", 1.0),
    "mp": ("megapixels", 1.0),
    "megapixel": ("megapixels", 1.0),
    "megapixels": ("megapixels", 1.0),
    "x": ("zoom", 1.0),
    "degree": ("angle", 1.0),
    "degrees": ("angle", 1.0),
    "°": ("angle", 1.0),
    "%": ("percent", 1.0),
    "piece": ("pieces", 1.0),
    "pieces": ("pieces", 1.0),
    "pc": ("pieces", 1.0),
    "pcs": ("pieces", 1.0),
    "hz": ("frequency", 1.0),
    "khz": ("frequency", 1e3),
    "mhz": ("frequency", 1e6),
    "ghz": ("frequency", 1e9),
    "rpm": ("rotation", 1.0),
    "lumen": ("light", 1.0),
    "lumens": ("light", 1.0),
}
_GLUED_ONLY = frozenset(u for u in _UNITS if len(u) == 1 and u.isalpha()) | {"in"}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
QUANTITY = re.compile(
    rf"(?<![\w.$])(?P<a>{_NUM})(?:\s*(?:-|–|to)\s*(?P<b>{_NUM}))?"
    rf"(?P<sep>\s*-\s*|\s+|)(?P<unit>{_UNIT_ALT})(?![^\W\d_])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """One number with its unit, as written and in base units."""

    start: int
    end: int
    text: str
    dimension: str
    values: tuple[float, ...]  # one, or both ends of a range


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def find_quantities(text: str) -> list[Quantity]:
    """Every number with a unit in `text` ("500ml", "13-inch", "5-25 lbs", "4K")."""
    found = []
    for match in QUANTITY.finditer(text):
        unit = match.group("unit").lower()
        glued = match.group("sep") == ""
        if unit in _GLUED_ONLY and not glued:
            continue
        # "3-in-1", "2 in stock": a lone "in" is inches only when nothing word-like follows.
        if unit == "in" and re.match(r"\s*[-\w]", text[match.end() :]):
            continue
        dimension, factor = _UNITS[unit]
        numbers = [match.group("a")] + ([match.group("b")] if match.group("b") else [])
        found.append(
            Quantity(
                start=match.start(),
                end=match.end(),
                text=match.group(),
                dimension=dimension,
                values=tuple(_number(n) * factor for n in numbers),
            )
        )
    return found


def unit_of(word: str) -> tuple[str, float] | None:
    """The dimension and factor of a unit word, if it is one ("pieces" → pieces)."""
    return _UNITS.get(word.lower())


def same_amount(a: float, b: float) -> bool:
    """Equal within rounding (1%): '1.5L' and '1500ml', '6.1-inch' and '6.1 inches'."""
    return math.isclose(a, b, rel_tol=0.01, abs_tol=1e-9)
