"""The Gradio shop UI. `create_app()` builds the Blocks without launching, so tests can drive it.

Layout: a "Shop" tab holding the streaming chat (tool trace per turn, product cards and
comparison tables under replies) beside a sign-in panel, and a "Merchant" tab (behind the
merchant's key: `assistant.ui.merchant`) where product listings are written and approved.
A banner says so when the model server is unreachable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.engine.direct import call_tool
from assistant.health import model_health
from assistant.identity.gate import CODE_SENT
from assistant.identity.tokens import TokenError, read_token
from assistant.presentation.turns import reply_text, turn_messages
from assistant.services import Services
from assistant.store.errors import StoreUnavailableError
from assistant.store.models import SessionState
from assistant.ui.merchant import build_merchant_tab

EXAMPLES = [
    "show me blue cotton t-shirts under $55",
    "what is your return policy?",
    "compare the cheapest water bottles",
    "where is my order?",
]

SIGNED_OUT = "Not signed in. Sign in to ask about your orders."

Chat = list[dict[str, Any]]


def new_session_id() -> str:
    """A fresh, unguessable conversation id."""
    return uuid.uuid4().hex


STORE_UNAVAILABLE = (
    "Sorry, the store is unavailable right now, so nothing was looked up or changed. "
    "Please try again in a moment."
)


def health_banner(services: Services) -> dict[str, Any]:
    """A visible warning when the model server cannot be reached, else nothing."""
    health = model_health(services)
    if health.ok:
        return gr.update(value="", visible=False)
    return gr.update(
        value=(
            f"**The assistant's model server is not reachable** ({health.detail}). "
            "Chat replies will fail until it is back; sign-in still works."
        ),
        visible=True,
    )


def sign_in_message(result: Any) -> str:
    """The sign-in panel's text for a direct identity lookup."""
    if result.ok and result.data == CODE_SENT:
        return "We sent a one-time code to the email on your account: type it in the chat."
    if result.ok:
        return f"Signed in as **{result.data}**. You can now ask about your orders."
    if result.status == "refused":
        return (
            "This conversation already belongs to another shopper. "
            "Start a new conversation to sign in as someone else."
        )
    if result.status == "invalid_arguments":
        return f"Check the details: {result.error}"
    return "No account matches those details. Check them and try again."


SIGN_IN_LABELS = {
    "lookup": "Sign in (demo rule: naming an account's email signs you in)",
    "verify": "Sign in (we email you a one-time code)",
    "storefront": "Sign in",
}


def create_app(services: Services) -> gr.Blocks:
    """Build the shop UI over `services.engine` (not launched; launch it local-only).

    Embedded in a shop's page as `...?token=<signed shopper token>`, the chat opens signed in
    for the shopper the storefront vouches for (`SHOPASSIST_IDENTITY_SECRET`).
    """
    engine = services.engine
    settings = services.settings

    def from_token(request: gr.Request) -> tuple[str, str]:
        token = request.query_params.get("token") if request is not None else None
        if not token:
            return "", SIGNED_OUT
        if not settings.identity_secret:
            return "", "This chat does not accept store sign-in links."
        try:
            user_id = read_token(token, settings.identity_secret)
        except TokenError as err:
            return "", f"Not signed in: {err}."
        if engine.store.user(user_id) is None:
            return "", "Not signed in: the store does not know that account."
        session_id = new_session_id()
        engine.store.save_session(SessionState(session_id, user_id=user_id))
        return session_id, f"Signed in through the store as **{user_id}**."

    def respond(text: str, chat: Chat, session_id: str) -> Iterator[tuple[Chat, Chat, str, str]]:
        text = (text or "").strip()
        if not text:
            yield chat, chat, "", session_id
            return
        session_id = session_id or new_session_id()
        chat = [*chat, {"role": "user", "content": text}]
        turn_id = f"turn-{len(chat)}"
        yield chat, chat, "", session_id
        events = []
        try:
            for event in engine.run_turn(session_id, text):
                events.append(event)
                shown = [*chat, *turn_messages(events, turn_id)]
                yield shown, shown, "", session_id
        except StoreUnavailableError:
            shown = [*chat, {"role": "assistant", "content": STORE_UNAVAILABLE}]
            yield shown, shown, "", session_id

    def sign_in(
        email: str, first: str, last: str, zip_code: str, session_id: str
    ) -> tuple[str, str]:
        session_id = session_id or new_session_id()
        email, first, last, zip_code = (v.strip() for v in (email, first, last, zip_code))
        if email:
            name, arguments = "find_user_id_by_email", {"email": email}
        elif first and last and zip_code:
            name = "find_user_id_by_name_zip"
            arguments = {"first_name": first, "last_name": last, "zip": zip_code}
        else:
            return "Enter your email, or your first name, last name and zip code.", session_id
        try:
            return sign_in_message(call_tool(engine, session_id, name, arguments)), session_id
        except StoreUnavailableError:
            return STORE_UNAVAILABLE, session_id

    def new_conversation() -> tuple[Chat, Chat, str, str]:
        return [], [], new_session_id(), SIGNED_OUT

    def ask(text: str, session_id: str) -> str:
        """One message in, the reply out (the API endpoint for scripts and tests)."""
        try:
            return reply_text(engine.run_turn(session_id or new_session_id(), text))
        except StoreUnavailableError:
            return STORE_UNAVAILABLE

    with gr.Blocks(title="shopassist") as app:
        banner = gr.Markdown(visible=False, elem_id="model-banner")
        gr.Markdown("## shopassist\nAsk about products, store policies or your orders.")
        session = gr.State("")
        chat_state = gr.State([])
        with gr.Tabs():
            with gr.Tab("Shop", id="shop"), gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Chat", height=560, buttons=["copy"], elem_id="chat")
                    box = gr.Textbox(
                        placeholder="Ask the store…",
                        show_label=False,
                        autofocus=True,
                        elem_id="message",
                    )
                    gr.Examples(EXAMPLES, inputs=box)
                with gr.Column(scale=1, min_width=260):
                    with gr.Accordion(
                        SIGN_IN_LABELS[settings.identity],
                        open=True,
                        elem_id="signin",
                        visible=settings.identity != "storefront",
                    ):
                        email = gr.Textbox(label="Email", elem_id="signin-email")
                        gr.Markdown("or")
                        first = gr.Textbox(label="First name", elem_id="signin-first")
                        last = gr.Textbox(label="Last name", elem_id="signin-last")
                        zip_code = gr.Textbox(label="Zip code", elem_id="signin-zip")
                        sign_in_button = gr.Button("Sign in", elem_id="signin-button")
                        status = gr.Markdown(SIGNED_OUT, elem_id="signin-status")
                    token_status = gr.Markdown(elem_id="token-status")
                    new_button = gr.Button("New conversation", variant="secondary")
            build_merchant_tab(services)

        box.submit(
            respond,
            [box, chat_state, session],
            [chatbot, chat_state, box, session],
            api_visibility="private",
        )
        sign_in_button.click(
            sign_in,
            [email, first, last, zip_code, session],
            [status, session],
            api_visibility="private",
        )
        new_button.click(
            new_conversation, None, [chatbot, chat_state, session, status], api_visibility="private"
        )
        app.load(lambda: health_banner(services), None, banner, api_visibility="private")
        app.load(from_token, None, [session, token_status], api_visibility="private")

        api_in = gr.Textbox(visible=False)
        api_session = gr.Textbox(visible=False)
        api_out = gr.Textbox(visible=False)
        api_in.submit(ask, [api_in, api_session], api_out, api_name="ask")
    return app
