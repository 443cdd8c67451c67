"""How shopassist shows things: typed tool results, pending changes and turns, in one place.

Rendering dispatches on the result's type (`text.render_text`, `html.render_html`); the
engine uses it for its fallback replies and change summaries, and every interface (web chat,
terminal, storefront API, OpenAI facade, MCP) uses it for the records under a reply.
"""

from assistant.presentation.changes import describe_action
from assistant.presentation.events import (
    ConfirmationNeededEvent,
    ErrorEvent,
    ReplyEvent,
    ToolCallEvent,
    ToolOutput,
    ToolResultEvent,
    TurnEvent,
)
from assistant.presentation.html import render_html
from assistant.presentation.text import NO_RESULTS_REPLY, render_fallback, render_text

__all__ = [
    "NO_RESULTS_REPLY",
    "ConfirmationNeededEvent",
    "ErrorEvent",
    "ReplyEvent",
    "ToolCallEvent",
    "ToolOutput",
    "ToolResultEvent",
    "TurnEvent",
    "describe_action",
    "render_fallback",
    "render_html",
    "render_text",
]
