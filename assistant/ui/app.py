"""The Gradio app. `create_app()` builds the Blocks without launching, so tests can drive it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.services import Services
from assistant.ui.messages import reply_text, turn_messages

EXAMPLES = [
    "show me blue cotton t-shirts under $55",
    "what is your return policy?",
    "compare the cheapest water bottles",
]


def create_app(services: Services) -> gr.Blocks:
    """Build the shop chat UI over `services.engine` (not launched)."""
    engine = services.engine

    def respond(
        text: str, history: list[dict[str, Any]], session_id: str
    ) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
        text = (text or "").strip()
        if not text:
            yield history, "", session_id
            return
        session_id = session_id or uuid.uuid4().hex
        history = [*history, {"role": "user", "content": text}]
        events = []
        yield history, "", session_id
        for event in engine.run_turn(session_id, text):
            events.append(event)
            yield [*history, *turn_messages(events)], "", session_id

    def ask(text: str, session_id: str) -> str:
        """One message in, the reply out (the API endpoint for scripts and tests)."""
        return reply_text(engine.run_turn(session_id or uuid.uuid4().hex, text))

    with gr.Blocks(title="shopassist") as app:
        gr.Markdown("## shopassist\nAsk about products, store policies or your orders.")
        session = gr.State("")
        chatbot = gr.Chatbot(label="Chat", height=520, buttons=["copy"])
        box = gr.Textbox(placeholder="Ask the store…", show_label=False, autofocus=True)
        gr.Examples(EXAMPLES, inputs=box)
        box.submit(respond, [box, chatbot, session], [chatbot, box, session], api_name=False)
        api_in = gr.Textbox(visible=False)
        api_session = gr.Textbox(visible=False)
        api_out = gr.Textbox(visible=False)
        api_in.submit(ask, [api_in, api_session], api_out, api_name="ask")
    return app
