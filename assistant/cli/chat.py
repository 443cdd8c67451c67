"""`shopassist chat`: a terminal chat with the assistant, on the same engine as the web UI.

Tool calls show as dimmed trace lines while the turn runs; product results, comparisons,
orders and carts show as tables under the reply. `/signin EMAIL` signs in through the same
policy-checked path as the web sign-in panel.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import typer
from rich.console import Console, RenderableType
from rich.markdown import Markdown
from rich.table import Table

from assistant.engine import (
    ConfirmationNeededEvent,
    ErrorEvent,
    ReplyEvent,
    ToolCallEvent,
    ToolResultEvent,
    TurnEvent,
)
from assistant.engine.direct import call_tool
from assistant.engine.render import ToolOutput, money, render_output
from assistant.ui.messages import shown_outputs

HELP = (
    "Type a message, or: /signin EMAIL · /signin FIRST LAST ZIP · /new (new conversation) · /quit"
)


def _options(options: Any) -> str:
    if isinstance(options, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in options.items())
    return str(options or "")


def items_table(title: str, items: list[Mapping[str, Any]]) -> Table:
    """Items (search hits, product variants) as a table."""
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in ("name", "item", "options", "price", "stock"):
        table.add_column(column, justify="right" if column == "price" else "left")
    for item in items:
        stock = item.get("available")
        table.add_row(
            str(item.get("name", "")),
            str(item.get("item_id", "")),
            _options(item.get("options")),
            money(item.get("price")),
            "" if stock is None else ("in stock" if stock else "[red]out of stock[/]"),
        )
    return table


def comparison_table(data: Mapping[str, Any]) -> Table:
    """`compare_products` output as a table."""
    table = Table(title="Comparison", title_justify="left", show_lines=True)
    table.add_column("")
    for column in data.get("columns", []):
        table.add_column(str(column))
    for row in data.get("rows", []):
        label = str(row.get("attribute", ""))
        cells = [
            "—" if v is None else (money(v) if label == "price" and not isinstance(v, str) else v)
            for v in row.get("values", [])
        ]
        table.add_row(label, *(str(c) for c in cells))
    return table


def output_renderable(output: ToolOutput) -> RenderableType:
    """A tool result as a rich table when it has a tabular shape, else markdown."""
    data = output.data
    if isinstance(data, Mapping):
        if isinstance(data.get("results"), list):
            return items_table("Products", data["results"])
        if "columns" in data and "rows" in data:
            return comparison_table(data)
        if "order_id" in data and isinstance(data.get("items"), list):
            title = f"Order {data['order_id']} — {data.get('status')}"
            return items_table(title, data["items"])
        if isinstance(data.get("variants"), list | dict):
            variants = data["variants"]
            rows = list(variants.values()) if isinstance(variants, Mapping) else variants
            name = data.get("name", "")
            items = [{"name": name, **v} for v in rows if isinstance(v, Mapping)]
            return items_table(f"{name} (product {data.get('product_id')})", items)
    return Markdown(render_output(output))


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
            console.print(output_renderable(output))
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
    from assistant.api.health import model_health
    from assistant.cli.serve import ensure_model_server
    from assistant.services import build_services
    from assistant.settings import get_settings

    settings = get_settings()
    started = ensure_model_server(settings, start_model)
    try:
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
    finally:
        if started:
            from assistant.llm.server import VllmServer

            VllmServer(settings).stop()
