"""Turn events → chat messages, cards and traces (pure functions, no server)."""

from __future__ import annotations

from assistant.presentation import (
    ErrorEvent,
    ReplyEvent,
    ToolCallEvent,
    ToolOutput,
    ToolResultEvent,
    render_fallback,
    render_html,
)
from assistant.presentation.turns import reply_html, reply_text, trace_messages, turn_messages
from assistant.tools.results import Comparison, SearchResults

HIT = {
    "product_id": "1000000001",
    "item_id": "2000000001",
    "name": "Water Bottle",
    "product_type": "Water Bottle",
    "options": {"capacity": "500ml", "color": "blue"},
    "price": 19.5,
    "available": True,
}
FOUND = SearchResults(query="bottle", results=[HIT])
SEARCH = [
    ToolCallEvent("c1", "search_products", {"query": "bottle"}),
    ToolResultEvent(
        "c1",
        "search_products",
        "ok",
        data=FOUND.model_dump(mode="json"),
        result=FOUND,
        shown=True,
        seconds=0.01,
    ),
]


def test_search_results_become_cards_under_the_reply() -> None:
    events = [*SEARCH, ReplyEvent("Found one.", source="model")]
    html = reply_html(events)
    assert html.startswith("Found one.") and 'class="sa-card"' in html
    assert "Water Bottle" in html and "$19.50" in html and "in stock" in html
    assert "capacity: 500ml, color: blue" in html
    text = reply_text(events)
    assert "- **Water Bottle** · item 2000000001 · capacity: 500ml, color: blue · $19.50" in text


def test_catalog_text_is_escaped_in_cards() -> None:
    evil = {**HIT, "name": '<img src=x onerror="alert(1)">', "options": {"color": "<b>red</b>"}}
    html = render_html(SearchResults(query="q", results=[evil]))
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_rendered_fallback_is_shown_as_cards_once() -> None:
    output = ToolOutput("search_products", {"query": "bottle"}, FOUND)
    events = [*SEARCH, ReplyEvent(render_fallback([output]), source="rendered")]
    html = reply_html(events)
    assert html.count('class="sa-card"') == 1 and "**Water Bottle**" not in html
    text = reply_text(events)
    assert text.count("item 2000000001") == 1
    assert "- **Water Bottle** · item 2000000001 · capacity: 500ml, color: blue · $19.50" in text


def test_comparison_is_a_table() -> None:
    table = Comparison(
        ids=["1", "2"],
        columns=["A (product 1)", "B (product 2)"],
        rows=[{"attribute": "price", "values": [10, "$5.00 to $9.00"]}],
    )
    html = render_html(table)
    assert html.startswith('<table class="sa-compare"') and "$10.00" in html
    assert "$5.00 to $9.00" in html


def test_trace_is_one_collapsible_group_per_turn() -> None:
    running = trace_messages(SEARCH[:1], "turn-3")
    assert running[0]["metadata"]["status"] == "pending"
    assert running[1]["metadata"]["title"] == "search_products: running…"
    done = trace_messages([*SEARCH, ReplyEvent("ok", source="model")], "turn-3")
    parent, child = done
    assert parent["metadata"]["title"] == "1 tool call" and parent["metadata"]["id"] == "turn-3"
    assert parent["metadata"]["status"] == "done"
    assert child["metadata"]["parent_id"] == "turn-3"
    assert child["metadata"]["title"] == "search_products: ok"
    assert '"item_id": "2000000001"' in child["content"]


def test_refusals_and_errors_are_visible() -> None:
    events = [
        ToolCallEvent("c1", "get_order_details", {"order_id": "#W1"}),
        ToolResultEvent("c1", "get_order_details", "refused", error="refused by store policy"),
        ErrorEvent("APIConnectionError: Connection error."),
        ReplyEvent("Sorry, I can't answer right now.", source="rendered"),
    ]
    messages = turn_messages(events, "t")
    titles = [m.get("metadata", {}).get("title") for m in messages]
    assert "get_order_details: refused" in titles
    assert any(
        "Something went wrong" in m["content"] and "Connection error" in m["content"]
        for m in messages
    )
    assert messages[-1]["content"] == "Sorry, I can't answer right now."
