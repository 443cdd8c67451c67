"""Chat messages asking the served model for a listing, and telling it what to fix.

The product goes in as a plain record (options, prices, stock, one line per variant), the
same facts the checker holds the draft to; the prompts live in `prompts/copy_*.md`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from assistant.copy.draft import CopyRequest
from assistant.copy.findings import Finding
from assistant.llm.types import Message
from prompts import read_prompt
from retrieval.catalog import Product

MAX_VARIANT_LINES = 40
LENGTH_RULES = {
    "short": "a title under 60 characters, a one-sentence description, 3 bullets",
    "medium": "a title under 80 characters, a 2-3 sentence description, 4-5 bullets",
    "long": "a title under 100 characters, a 4-5 sentence description, 5-7 bullets",
}


def _money(value: float) -> str:
    return f"${value:,.2f}"


def product_record(product: Product) -> str:
    """The product as the model sees it: every fact the copy may state."""
    lines = [f"Name: {product.name}", f"Type: {product.product_type}"]
    if product.brand:
        lines.append(f"Brand: {product.brand}")
    if product.description:
        lines.append(f"Description: {product.description}")
    if product.tags:
        lines.append(f"Tags: {', '.join(product.tags)}")
    options: dict[str, list[str]] = defaultdict(list)
    for variant in product.variants:
        for key, value in variant.options.items():
            if value not in options[key]:
                options[key].append(value)
    for key, values in options.items():
        lines.append(f"Option {key}: {', '.join(values)}")
    prices = [v.price for v in product.variants]
    low, high = min(prices), max(prices)
    lines.append(f"Price: {_money(low)}" + (f" to {_money(high)}" if high != low else ""))
    in_stock = sum(v.available for v in product.variants)
    lines.append(f"In stock: {in_stock} of {len(product.variants)} variants")
    lines.append("Variants:")
    for variant in product.variants[:MAX_VARIANT_LINES]:
        described = ", ".join(f"{k} {v}" for k, v in variant.options.items()) or "standard"
        stock = "in stock" if variant.available else "sold out"
        lines.append(f"- {described}: {_money(variant.price)}, {stock}")
    hidden = len(product.variants) - MAX_VARIANT_LINES
    if hidden > 0:
        lines.append(f"- ... and {hidden} more variants within the price range above")
    return "\n".join(lines)


def build_messages(product: Product, request: CopyRequest) -> list[Message]:
    """The system and user messages asking for `request`'s listing of `product`.

    Raises:
        ValueError: The request names another product.
    """
    if request.product_id != product.product_id:
        raise ValueError(
            f"the copy request is for product {request.product_id!r}, not {product.product_id!r}"
        )
    user = read_prompt("copy_user.md").format(
        tone=request.tone,
        audience=request.audience,
        length_rule=LENGTH_RULES[request.length],
        fields=", ".join(request.fields),
        record=product_record(product),
    )
    return [
        {"role": "system", "content": read_prompt("copy_system.md").strip()},
        {"role": "user", "content": user.strip()},
    ]


def describe_findings(findings: Sequence[Finding]) -> str:
    """The findings as the model is told them: one line each, where and why."""
    lines = [f"- {f.field}: '{f.text}' — {f.reason}" for f in findings]
    return "These statements are not supported by the product record:\n" + "\n".join(lines)


def feedback_message(problem: str) -> Message:
    """The user message asking for a rewrite after `problem` (a parse error or findings)."""
    text = read_prompt("copy_feedback.md").format(problem=problem)
    return {"role": "user", "content": text.strip()}
