"""Per-client request limits with the `limits` package: past the limit a client gets 429 with
`Retry-After`, until its moving window has room again.

A client is who `caller` says (its API key or bearer token, else its address). The counts
live in the API process: with several API processes behind a balancer each allows the rate
on its own.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class RateLimit:
    """At most `rule` requests per client ("120/minute"); no limit when `rule` is empty."""

    def __init__(self, rule: str | None) -> None:
        """Args:
        rule: A `limits` rate string such as "120/minute" or "10/second", or None.

        Raises:
            ValueError: `rule` is not a rate string.
        """
        self.item = parse(rule) if rule else None
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def retry_after(self, client: str) -> int | None:
        """Count a request of `client`: None when allowed, else the seconds to wait."""
        if self.item is None or self.limiter.hit(self.item, client):
            return None
        reset, _ = self.limiter.get_window_stats(self.item, client)
        return max(1, math.ceil(reset - time.time()))
