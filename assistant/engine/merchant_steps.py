"""Steps of the merchant's requests: product copy for the product they mean, as they asked.

The product is the one the merchant typed the id of, else the one the latest listing was for
(a follow-up: "now a longer version"), else the first product a search on their words finds.
Tone, length and audience are read from the message; a follow-up keeps what it does not
restate.
"""

from __future__ import annotations

import re

from assistant.engine.shopping_steps import search, typed_products
from assistant.engine.situation import Situation, Step, ran

_SHORT = re.compile(
    r"\b(short|shorter|brief|briefer|concise|quick|snappy|punchy|one-line|two-sentence|tight)\b"
)
_LONG = re.compile(r"\b(long|longer|detailed|in-depth|extended|fuller|thorough|expanded)\b")
_TONE_NAMED = re.compile(r"\b([a-z-]+(?:(?:,\s*|\s+and\s+)[a-z-]+)?)\s+(?:tone|voice|style)\b")
_TONES = re.compile(
    r"\b(punchy|playful|professional|friendly|casual|formal|luxury|luxurious|premium|fun|"
    r"witty|warm|bold|elegant|technical|minimal|upbeat|energetic|catchy|serious|quirky|"
    r"sophisticated|cheerful|calm|confident|persuasive)\b"
)
_AUDIENCE = re.compile(
    r"\b(?:aimed at|speaks? to|speaking to|targeting|targeted at|geared (?:to|towards?)|"
    r"written for|for)\s+(?!our\b|the\b|a\b|an\b|this\b|that\b|my\b|it\b|product\b)"
    r"([a-z][^.!?;:]*)"
)
_FILLER = re.compile(r"\b(please|pls|thanks|thank you)\b.*$")


def copy_length(text: str, earlier: str | None) -> str:
    """`short`, `medium` or `long` as the message asks (else as before, else medium)."""
    if _SHORT.search(text):
        return "short"
    if _LONG.search(text):
        return "long"
    return earlier or "medium"


def copy_tone(text: str, earlier: str | None) -> str:
    """The voice the message names ("professional tone", "short, punchy ...")."""
    named = _TONE_NAMED.search(text)
    if named and named.group(1) not in {"the", "a", "same", "this", "that", "our"}:
        return named.group(1)
    words = list(dict.fromkeys(m.group(1) for m in _TONES.finditer(text)))
    if words:
        return ", ".join(words[:2])
    return earlier or "friendly"


def copy_audience(text: str, earlier: str | None) -> str:
    """Who the copy should speak to ("aimed at teenagers", "for people who hike")."""
    found = _AUDIENCE.search(text)
    if found:
        audience = _FILLER.sub("", found.group(1)).strip(" ,")
        if audience:
            return audience[:120]
    return earlier or "online shoppers"


def write_copy(s: Situation) -> Step | None:
    """A listing for the product the merchant means, in the voice and length asked for."""
    if ran(s, "write_product_copy"):
        return None
    earlier = s.facts.copy
    products = typed_products(s.text, s.catalog_ids)
    if products:
        product_id = products[0]
    elif earlier is not None and not s.names_a_kind:
        product_id = earlier.product_id
    elif "search_products" in s.facts.called_now and s.facts.search is not None:
        if not s.facts.search.results:
            return None
        product_id = s.facts.search.results[0].product_id
    else:
        return search(s)
    text = s.text.lower()
    return Step(
        "write_product_copy",
        {
            "product_id": product_id,
            "tone": copy_tone(text, earlier.tone if earlier else None),
            "length": copy_length(text, earlier.length if earlier else None),
            "audience": copy_audience(text, earlier.audience if earlier else None),
        },
    )
