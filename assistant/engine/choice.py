"""Tool-choice strategies: how hard each model call is pushed towards calling a tool.

A weak model answers shopping questions from memory instead of searching; forcing
`tool_choice="required"` on the first round of a shopping request makes it look things up.
A strategy is any callable taking a `ChoiceContext` and returning a `ToolChoice`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.llm.types import ToolChoice
from assistant.tools.context import SessionState


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
) -> ToolChoiceStrategy:
    """Force a tool call on the first round when `predicate(user_text)` holds.

    Args:
        predicate: Decides from the shopper's message whether a tool is needed.
    """

    def strategy(ctx: ChoiceContext) -> ToolChoice:
        if ctx.round == 0 and predicate(ctx.user_text):
            return "required"
        return "auto"

    return strategy
