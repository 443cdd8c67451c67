"""Tool-choice strategies: how hard each model call is pushed towards calling a tool.

A weak model answers shopping questions from memory instead of searching, and given two
dozen tools it picks the wrong one. Forcing the catalog search on the first round of a
product request makes it look things up; the model still writes the query. A strategy is
any callable taking a `ChoiceContext` and returning a `ToolChoice`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.llm.types import ToolChoice
from assistant.store.models import SessionState


@dataclass(frozen=True)
class ChoiceContext:
    """What a strategy may look at before one model call."""

    round: int
    """0 for the first model call of the turn."""
    user_text: str
    session: SessionState
    tools_called: tuple[str, ...]
    """Names of the tools already called this turn."""


ToolChoiceStrategy = Callable[[ChoiceContext], ToolChoice]

_SHOPPING = re.compile(
    r"\b(find|search|show me|looking for|look for|recommend|suggest|compare|do you (have|sell)|"
    r"any \w+ (under|below|less than)|under \$|cheapest|in stock|price of|how much)\b",
    re.IGNORECASE,
)


def auto_tool_choice(ctx: ChoiceContext) -> ToolChoice:
    """Let the model decide every time (the default)."""
    return "auto"


def looks_like_shopping_request(text: str) -> bool:
    """A cheap test for product questions ("show me water bottles under $30")."""
    return bool(_SHOPPING.search(text))


def require_tool_first(
    predicate: Callable[[str], bool] = looks_like_shopping_request,
    tool: str | None = "search_products",
) -> ToolChoiceStrategy:
    """Force a call of `tool` on the first round when `predicate(user_text)` holds.

    Args:
        predicate: Decides from the shopper's message whether it asks for products.
        tool: The tool to call (named `tool_choice`); None forces a call of any tool
            (`"required"`), leaving the choice of tool to the model.
    """
    forced: ToolChoice = "required" if tool is None else named_tool(tool)

    def strategy(ctx: ChoiceContext) -> ToolChoice:
        if ctx.round == 0 and predicate(ctx.user_text):
            return forced
        return "auto"

    return strategy


def named_tool(name: str) -> ToolChoice:
    """The `tool_choice` that makes the model call tool `name`."""
    return {"type": "function", "function": {"name": name}}


def offered_tools(tools: list[dict[str, Any]], choice: ToolChoice) -> list[dict[str, Any]]:
    """The tool list sent with a model call.

    A named call is the forcing path for weak models: they are shown only that tool, with
    only its required arguments, so no optional argument is invented (the bundled model
    filled the search filters with "in stock: false" and a made-up product type). The
    search tool reads its constraints from the query text anyway. Any other choice offers
    the whole list.
    """
    if not isinstance(choice, dict):
        return tools
    name = choice.get("function", {}).get("name")
    for tool in tools:
        function = tool.get("function", tool)
        if function.get("name") != name:
            continue
        parameters = function.get("parameters") or {}
        required = parameters.get("required", [])
        properties = {k: v for k, v in parameters.get("properties", {}).items() if k in required}
        narrowed = {**parameters, "properties": properties}
        return [{"type": "function", "function": {**function, "parameters": narrowed}}]
    raise ValueError(f"tool_choice names {name!r}, which is not among the offered tools")
