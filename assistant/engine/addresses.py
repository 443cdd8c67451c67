"""A postal address read from the shopper's words, so an address change takes exactly it.

A small model asked to fill in six address fields copies the address it was last shown (the
old one). The new address is read here instead, from the shopper's message, in the forms a
shopper types a US or similar address: "1420 Maple Court, Apt 5B, Evanston, IL 60201", with
the unit, the commas and the country optional. What cannot be read is asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC"
).split()
_UNIT = r"(?:apt|apartment|suite|ste|unit|#|floor|fl)\.?\s*[\w-]+"
_STREET = r"(?<![\w#])\d{1,6}[a-z]?\s+[\w.'-]+(?:\s+[\w.'-]+){0,5}?"
_ADDRESS = re.compile(
    rf"(?P<street>{_STREET})\s*,?\s*(?:(?P<unit>{_UNIT})\s*,?\s*)?"
    rf"(?P<city>[a-z][a-z .'-]*?)\s*,?\s+(?P<state>{'|'.join(_STATES)})\.?\s*,?\s*"
    r"(?P<zip>\d{5}(?:-\d{4})?)"
    r"(?:\s*,?\s*(?P<country>usa|united states|us)\b)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Address:
    """The six fields of the store's address tools."""

    address1: str
    address2: str
    city: str
    state: str
    country: str | None
    """None when the shopper did not write it."""
    zip: str

    def arguments(self, country: str) -> dict[str, str]:
        """As tool arguments, with `country` where the shopper wrote none."""
        return {**self.__dict__, "country": self.country or country}


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(" ,.")


def without_addresses(text: str) -> tuple[str, set[str]]:
    """`text` with its full addresses blanked out, and the zip codes that ended them."""
    found = list(_ADDRESS.finditer(text))
    for m in reversed(found):
        text = text[: m.start()] + " " + text[m.end() :]
    return text, {m.group("zip") for m in found}


def address_in(text: str) -> Address | None:
    """The last full address written in `text` (street, city, state and zip), or None."""
    found = list(_ADDRESS.finditer(text))
    if not found:
        return None
    m = found[-1]
    street = _tidy(m.group("street"))
    # "to 77 Harbor View Rd": keep the street from its number on.
    street = street[re.search(r"\d", street).start() :]  # type: ignore[union-attr]
    unit = _tidy(m.group("unit") or "")
    return Address(
        address1=street,
        address2=unit[:1].upper() + unit[1:] if unit else "",
        city=_tidy(m.group("city")).title(),
        state=m.group("state").upper(),
        country="USA" if m.group("country") else None,
        zip=m.group("zip"),
    )
