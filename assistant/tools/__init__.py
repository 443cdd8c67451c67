"""Typed tools the assistant can call, and the registry that turns them into schemas."""

from __future__ import annotations

from assistant.tools.registry import ToolRegistry


def default_registry() -> ToolRegistry:
    """Every tool of the assistant: τ² retail customer service plus shopping."""
    from assistant.tools.retail import RETAIL_TOOLS
    from assistant.tools.shopping import SHOPPING_TOOLS
    from assistant.tools.suggestions import SUGGESTION_TOOLS

    return ToolRegistry([*RETAIL_TOOLS, *SHOPPING_TOOLS, *SUGGESTION_TOOLS])


def merchant_registry() -> ToolRegistry:
    """The merchant's assistant: every shopper tool plus product copy."""
    from assistant.tools.merchant import MERCHANT_TOOLS

    return ToolRegistry([*default_registry(), *MERCHANT_TOOLS])
