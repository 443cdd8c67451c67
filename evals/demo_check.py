"""Send one message to a running shopassist UI through `gradio_client` and check the reply.

Usage: python -m evals.demo_check [URL] [MESSAGE]

Passes (exit 0) when the reply names at least one real catalog variant of the demo store
together with its exact catalog price.
"""

from __future__ import annotations

import re
import sys
import time

from gradio_client import Client

from assistant.demo.tau2_data import retail_db

DEFAULT_URL = "http://127.0.0.1:7860/"
DEFAULT_MESSAGE = "show me blue cotton t-shirts under $55"


def catalog_prices() -> dict[str, float]:
    """Every demo variant's item id and catalog price."""
    return {
        item_id: variant["price"]
        for product in retail_db()["products"].values()
        for item_id, variant in product["variants"].items()
    }


def grounded_variants(reply: str, prices: dict[str, float]) -> list[tuple[str, float]]:
    """Variants of `prices` named in `reply` with their exact catalog price ($) in the same
    line."""
    found = []
    for line in reply.splitlines():
        for item_id in re.findall(r"\b\d{10}\b", line):
            price = prices.get(item_id)
            if price is not None and f"${price:,.2f}" in line:
                found.append((item_id, price))
    return found


def main() -> int:
    """Ask the UI once and report what the reply grounds."""
    url = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    message = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_MESSAGE
    started = time.perf_counter()
    reply = Client(url, verbose=False).predict(message, "", api_name="/ask")
    seconds = time.perf_counter() - started
    print(f"> {message}\n{reply}\n({seconds:.1f}s)")
    found = grounded_variants(str(reply), catalog_prices())
    if not found:
        print("FAIL: no catalog variant with its catalog price in the reply")
        return 1
    print(f"OK: {len(found)} catalog variants with exact prices, e.g. {found[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
