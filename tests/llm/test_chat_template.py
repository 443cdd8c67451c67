"""The tool-calling chat template renders tools compactly and tool calls in SmolLM2's format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from assistant.llm.tool_format import call_prefix, structural_tag
from assistant.tools import default_registry
from prompts import CHAT_TEMPLATE

TOOL_CALL = re.compile(r"<tool_call>(.*?)</tool_call>", re.DOTALL)


@pytest.fixture(scope="module")
def tokenizer(model_dir: Path) -> AutoTokenizer:
    return AutoTokenizer.from_pretrained(model_dir)


def render(tokenizer: AutoTokenizer, messages: list[dict], tools: list[dict] | None) -> str:
    return tokenizer.apply_chat_template(
        messages,
        tools=tools,
        chat_template=CHAT_TEMPLATE.read_text(),
        tokenize=False,
        add_generation_prompt=True,
    )


def test_every_registered_tool_is_one_signature_line(tokenizer: AutoTokenizer) -> None:
    registry = default_registry()
    text = render(tokenizer, [{"role": "user", "content": "hi"}], registry.openai_schemas())
    block = text.split("<tools>\n", 1)[1].split("</tools>", 1)[0].strip().splitlines()
    assert [line.split("(", 1)[0] for line in block] == registry.names()
    search = next(line for line in block if line.startswith("search_products("))
    # Optional nested filters are spelled out, not hidden behind "object".
    assert "filters?: {" in search and "max_price?: number" in search


def test_tool_call_history_renders_as_one_tagged_json_list(tokenizer: AutoTokenizer) -> None:
    calls = [
        {
            "id": "a",
            "type": "function",
            "function": {"name": "get_order_details", "arguments": '{"order_id": "#W1"}'},
        },
        {
            "id": "b",
            "type": "function",
            "function": {"name": "calculate", "arguments": {"expression": "1+2"}},
        },
    ]
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "status of #W1?"},
        {"role": "assistant", "content": "", "tool_calls": calls},
        {"role": "tool", "tool_call_id": "a", "content": "pending"},
    ]
    text = render(tokenizer, messages, None)
    [payload] = TOOL_CALL.findall(text)
    assert json.loads(payload) == [
        {"name": "get_order_details", "arguments": {"order_id": "#W1"}},
        {"name": "calculate", "arguments": {"expression": "1+2"}},
    ]
    assert "<|im_start|>tool\npending<|im_end|>" in text
    assert text.startswith("<|im_start|>system\nBe brief.<|im_end|>")
    assert text.endswith("<|im_start|>assistant\n")
    assert "<tools>" not in text


def _matcher(tokenizer: AutoTokenizer, tools: list[dict]) -> object:
    import xgrammar as xgr

    grammar = xgr.Grammar.from_structural_tag(json.dumps(structural_tag(tools)))
    compiler = xgr.GrammarCompiler(xgr.TokenizerInfo.from_huggingface(tokenizer))
    return xgr.GrammarMatcher(compiler.compile_grammar(grammar))


def test_tool_call_grammar_accepts_the_template_format_and_nothing_else(
    tokenizer: AutoTokenizer,
) -> None:
    tools = default_registry().openai_schemas()
    calls = [
        ("get_order_details", {"order_id": "#W1234567"}),
        ("search_products", {"query": "blue t-shirt", "filters": {"max_price": 55}}),
        ("view_cart", {}),
    ]
    for name, arguments in calls:
        message = {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": name, "arguments": arguments}}
            ],
        }
        text = tokenizer.apply_chat_template(
            [{"role": "user", "content": "hi"}, message],
            chat_template=CHAT_TEMPLATE.read_text(),
            tokenize=False,
        )
        written = text.split("<|im_start|>assistant\n", 1)[1].split("<|im_end|>", 1)[0]
        assert written.startswith(call_prefix(name))
        assert _matcher(tokenizer, tools).accept_string("Let me check. " + written), written

    # Text is free; a call must name a known tool and fit that tool's schema.
    assert _matcher(tokenizer, tools).accept_string("Hello! How can I help you today?")
    bad = [
        '<tool_call>[{"name": "delete_all_orders", "arguments": {}}]</tool_call>',
        '<tool_call>[{"name": "get_order_details", "arguments": {"order": "#W1"}}]</tool_call>',
        '<tool_call>[{"name": "get_order_details", "arguments": {"order_id": 7}}]</tool_call>',
        '<tool_call>[{"name": "view_cart", "arguments": {}}, {"name": "view_cart"',
    ]
    for text in bad:
        assert not _matcher(tokenizer, tools).accept_string(text), text
