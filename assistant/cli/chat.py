"""`shopassist chat`: a terminal chat with the assistant, on the same engine as the web UI.

Tool calls show as dimmed trace lines while the turn runs; product results, comparisons,
orders and carts show under the reply, rendered by `assistant.presentation`. `/signin EMAIL`
signs in through the same policy-checked path as the web sign-in panel.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from rich.markdown import Markdown

from assistant.engine.direct import call_tool
from assistant.presentation import (
    ConfirmationNeededEvent,
    ErrorEvent,
    ReplyEvent,
    ToolCallEvent,
    ToolResultEvent,
    TurnEvent,
    render_text,
)
from assistant.presentation.turns import shown_outputs

HELP = (
    "Type a message, or: /signin EMAIL · /signin FIRST LAST ZIP · /new (new conversation) · /quit"
)


def show_event(console: Console, event: TurnEvent) -> None:
    """Print one turn event: trace lines dimmed, the reply as markdown."""
    if isinstance(event, ToolCallEvent):
        args = event.arguments if isinstance(event.arguments, str) else json.dumps(event.arguments)
        console.print(f"  → {event.name} {args}", style="dim", markup=False, highlight=False)
    elif isinstance(event, ToolResultEvent):
        if event.ok:
            console.print(f"  ← {event.name}: ok ({event.seconds:.2f}s)", style="dim")
        else:
            status = "refused" if event.refused else "error"
            line = f"  ← {event.name}: {status}: {event.error}"
            console.print(line, style="dim red", markup=False, highlight=False)
    elif isinstance(event, ConfirmationNeededEvent):
        console.print(f"  ⏸ {event.name} waits for your yes", style="dim yellow")
    elif isinstance(event, ErrorEvent):
        console.print(f"⚠ {event.message}", style="bold red", markup=False)
    elif isinstance(event, ReplyEvent):
        console.print(Markdown(event.text))


def show_turn(console: Console, engine: Any, session_id: str, text: str) -> list[TurnEvent]:
    """Run one turn, printing its events as they happen, then its records as tables."""
    events: list[TurnEvent] = []
    for event in engine.run_turn(session_id, text):
        events.append(event)
        show_event(console, event)
    reply = events[-1] if events else None
    if isinstance(reply, ReplyEvent) and reply.source != "confirmation":
        for output in shown_outputs(events):
            console.print(Markdown(render_text(output.result)))
    return events


def sign_in(console: Console, engine: Any, session_id: str, words: list[str]) -> None:
    """`/signin EMAIL` or `/signin FIRST LAST ZIP` through the policy-checked direct path."""
    if len(words) == 1:
        result = call_tool(engine, session_id, "find_user_id_by_email", {"email": words[0]})
    elif len(words) == 3:
        arguments = {"first_name": words[0], "last_name": words[1], "zip": words[2]}
        result = call_tool(engine, session_id, "find_user_id_by_name_zip", arguments)
    else:
        console.print("usage: /signin EMAIL  or  /signin FIRST LAST ZIP", style="yellow")
        return
    if result.ok:
        console.print(f"signed in as {result.data}", style="green")
    elif result.status == "refused":
        console.print("this conversation belongs to another shopper; use /new", style="red")
    else:
        console.print(f"sign-in failed: {result.error}", style="red", markup=False)


def chat_loop(
    engine: Any,
    console: Console,
    read: Callable[[], str],
    session_id: str | None = None,
) -> str:
    """Read messages until `/quit` or end of input; returns the last session id."""
    session_id = session_id or uuid.uuid4().hex
    console.print(HELP, style="dim")
    while True:
        try:
            text = read().strip()
        except (EOFError, KeyboardInterrupt):
            return session_id
        if not text:
            continue
        if text in ("/quit", "/exit"):
            return session_id
        if text == "/help":
            console.print(HELP, style="dim")
        elif text == "/new":
            session_id = uuid.uuid4().hex
            console.print("new conversation", style="dim")
        elif text.startswith("/signin"):
            sign_in(console, engine, session_id, text.split()[1:])
        else:
            show_turn(console, engine, session_id, text)


def chat(
    session: str = typer.Option("", help="Continue this session id (default: a new one)."),
    start_model: bool = typer.Option(
        True, help="Start the local model server when it is not running."
    ),
) -> None:
    """Chat with the assistant in the terminal."""
    from assistant.cli.serve import model_server
    from assistant.health import model_health
    from assistant.services import build_services
    from assistant.settings import get_settings

    settings = get_settings()
    with model_server(settings, start_model):
        services = build_services(settings)
        console = Console()
        health = model_health(services)
        if not health.ok:
            console.print(
                f"⚠ {health.detail}: replies will fail until it is back", style="bold red"
            )
        last = chat_loop(
            services.engine, console, lambda: console.input("[bold cyan]you>[/] "), session or None
        )
        console.print(f"session: {last} (continue with --session {last})", style="dim")
