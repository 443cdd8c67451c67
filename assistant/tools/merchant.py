"""Merchant tools: product copy written from the catalog and checked against it.

They are offered only by the merchant's assistant (`merchant_registry`), never to shoppers.
The writing itself is the copy desk's (`ctx.copywriter`, `assistant.copy.CopyDesk`): it drafts
with the served model, checks every statement against the catalog, rewrites a bounded number of
times and stores the result as a draft, so nothing reaches the storefront before the merchant
approves it.
"""

from __future__ import annotations

from typing import Literal

from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError, ToolKind, ToolRegistry
from assistant.tools.results import ProductCopy

MERCHANT_TOOLS = ToolRegistry()

CopyFieldName = Literal["title", "short_description", "bullets", "meta_description"]


@MERCHANT_TOOLS.tool(ToolKind.READ, shows=True, offered_for=("copy",))
def write_product_copy(
    ctx: ToolContext,
    product_id: str,
    tone: str = "friendly",
    length: Literal["short", "medium", "long"] = "medium",
    audience: str = "online shoppers",
    fields: list[CopyFieldName] | None = None,
) -> ProductCopy:
    """Write a product listing (title, short description, bullets, meta description) from
    the catalog, checked for faithfulness and kept as a draft for the merchant to approve.

    Args:
        product_id: The product to write for.
        tone: Voice of the copy, e.g. 'professional', 'playful', 'punchy'.
        length: 'short', 'medium' or 'long'.
        audience: Who the copy speaks to, e.g. 'teenagers', 'people who hike'.
        fields: Which texts to write; all four when omitted.
    """
    if ctx.copywriter is None:
        raise ToolError("product copy is not available here (no copy desk configured)")
    return ctx.copywriter.write(
        product_id, tone=tone, length=length, audience=audience, fields=fields
    )
