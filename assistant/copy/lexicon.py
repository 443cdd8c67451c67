"""The few word lists the checker needs beyond the catalog: general English, not one store's.

Everything product-specific (values, types, brands, tags) is learned from the catalog
(`vocabulary.py`); these lists cover what no catalog spells out: common claim words, which
everyday words are too plain to be a claim on their own, and the little words around a name
that tell whether the copy calls the product that or merely mentions it.
"""

from __future__ import annotations

import re

# Feature claims common in product copy that a catalog may not hold as an option or tag.
# Matched with hyphens and spaces optional ("dishwasher safe" = "dishwasher-safe").
CLAIM_WORDS = frozenset(
    """waterproof water-resistant weatherproof windproof dustproof shockproof shatterproof
    leak-proof spill-proof scratch-resistant stain-resistant wrinkle-free wireless bluetooth
    cordless rechargeable organic vegan recycled biodegradable compostable bpa-free non-toxic
    hypoallergenic antibacterial antimicrobial dishwasher-safe microwave-safe oven-safe
    freezer-safe machine-washable non-stick non-slip anti-slip insulated double-walled
    noise-cancelling foldable collapsible adjustable ergonomic handmade hand-made smart
    app-controlled voice-controlled solar-powered usb-c fast-charging gps touchscreen backlit
    dimmable warranty lifetime-warranty handcrafted guarantee guaranteed certified patented
    award-winning best-selling bestseller limited-edition uv-protection portable heated
    cooling""".split()
)

# Suffixes and prefixes that make a claim compound of almost any word: "fade-resistant",
# "lead-free", "kid-safe", "anti-fog", "self-cleaning".
CLAIM_PATTERN = re.compile(
    r"\b[a-z]+-(?:proof|resistant|free|safe|repellent|wicking|powered|enabled|certified)\b"
    r"|\b[a-z]{3,}proof\b|\b(?:anti|self)-[a-z]+\b",
    re.IGNORECASE,
)
# Compounds of those shapes that are talk, not product properties.
NOT_CLAIMS = frozenset(
    """hassle-free worry-free stress-free care-free guilt-free fuss-free clutter-free
    self-explanatory self-care foolproof""".split()
)

# Nouns after a claim word that turn it into praise of the purchase: "a smart choice".
PRAISED = frozenset("choice pick buy move investment way idea option addition upgrade gift".split())

# Claim words one catalog word implies ("Bluetooth" connectivity is wireless).
IMPLIED_BY = {
    "wireless": ("bluetooth", "wifi", "wireless"),
    "backlit": ("backlight", "backlit"),
    "rechargeable": ("rechargeable", "recharge"),
}

# Everyday words that are option values somewhere (sizes, degrees, yes/no): a claim only
# when the copy ties them to an option name ("size large", "large size").
PLAIN_WORDS = frozenset(
    """small medium large big mini high low full half light dark none no yes standard basic
    regular plain fresh custom classic original new gift top best soft hard simple""".split()
)

# Size letters and their words, so "large" means the same as "L".
SIZE_SYNONYMS = {
    "xxs": ("extra extra small", "2xs"),
    "xs": ("extra small", "x small"),
    "s": ("small",),
    "m": ("medium",),
    "l": ("large",),
    "xl": ("extra large", "x large"),
    "xxl": ("extra extra large", "2xl", "xx large"),
    "xxxl": ("3xl", "xxx large"),
}
SPELLING = {"grey": "gray", "colour": "color", "colours": "colors"}

# Before another product's type: the copy relates this product to that one (it charges your
# phone, fits a laptop), it does not call this product that. Bare "for" and "with" are not
# here: "looking for a new laptop", "upgrade with a laptop that..." name the product itself.
RELATIONAL = frozenset(
    """your my their his her fits fit fitting holds hold charge charges charging protect
    protects carry carries pair pairs paired like than into onto inside beside alongside next
    unlike versus vs compatible plus including keep keeps power powers connect connects works
    besides without""".split()
)
# Words right before a name that make it the product's own: "this laptop", "meet the laptop".
SELF_MARKERS = frozenset("this these our meet introducing is are was".split())

NEGATIONS = frozenset("not no non without never isn aren t".split())

# Words that introduce something the product includes: "comes with a carrying case".
INCLUDES = re.compile(
    r"\b(?:comes?\s+with|now\s+with|includes?|including|complete\s+with|equipped\s+with|"
    r"bundled\s+with|ships\s+with)\s+(?:an?\s+|the\s+|its\s+)?",
    re.IGNORECASE,
)

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
