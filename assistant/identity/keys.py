"""Shared secrets (the API key, the merchant's key) compared in constant time."""

from __future__ import annotations

import hmac


def key_matches(given: str | None, expected: str | None) -> bool:
    """Whether `given` is the key `expected` (compared in constant time); never when either
    is missing or empty."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
