"""The tool-calling chat template renders tools compactly and tool calls in SmolLM2's format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from assistant.llm.references import shown_ids
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


def _matcher(tokenizer: AutoTokenizer, tools: list[dict], shown: set[str] | None = None) -> object:
    import xgrammar as xgr

    grammar = xgr.Grammar.from_structural_tag(json.dumps(structural_tag(tools, shown)))
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


def _call(name: str, arguments: dict) -> str:
    return f"{call_prefix(name)}{json.dumps(arguments)}}}]</tool_call>"


def test_shown_ids_come_from_the_conversation_not_the_rules_examples() -> None:
    from assistant.engine.dialogue import default_system_prompt

    messages = [
        {
            "role": "system",
            "content": default_system_prompt() + "\n\nSession: the shopper is "
            "authenticated as user id emma_santos_9753.",
        },
        {"role": "user", "content": "Where is #W3113816? Or W7430166. Mail: e.s@example.com."},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "c",
                    "type": "function",
                    "function": {
                        "name": "get_product",
                        "arguments": '{"product_id": "6086499569"}',
                    },
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c", "content": '{"item_id": "1008292230"}'},
    ]
    shown = shown_ids(messages)
    assert shown >= {
        "emma_santos_9753",
        "#W3113816",
        "W7430166",
        "e.s@example.com",
        "6086499569",
        "1008292230",
    }
    assert "#W0000000" not in shown  # the rules' example of an order id
    assert "Where" not in shown and "get_product" not in shown


def test_id_arguments_are_held_to_the_ids_shown(tokenizer: AutoTokenizer) -> None:
    tools = default_registry().openai_schemas()
    shown = {"#W3113816", "W7430166", "emma_santos_9753", "1008292230", "e.s@example.com"}
    held = [
        _call("get_order_details", {"order_id": "#W3113816"}),
        _call("get_order_details", {"order_id": "#W7430166"}),  # typed without its '#'
        _call("get_user_details", {"user_id": "emma_santos_9753"}),
        _call("add_to_cart", {"item_id": "1008292230", "quantity": 1}),
        _call("find_user_id_by_email", {"email": "e.s@example.com"}),
        _call("search_products", {"query": "W0000000 boots"}),  # free text stays free
    ]
    for text in held:
        assert _matcher(tokenizer, tools, shown).accept_string(text), text
    unshown = [
        _call("get_order_details", {"order_id": "#W0000000"}),
        _call("get_order_details", {"order_id": "emma_santos_9753"}),  # not an order id
        _call("add_to_cart", {"item_id": "1008292231", "quantity": 1}),
        _call("find_user_id_by_email", {"email": "e.x@example.com"}),
        _call(
            "return_delivered_order_items",
            {
                "order_id": "#W3113816",
                "item_ids": ["get_order_details"],
                "payment_method_id": "emma_santos_9753",
            },
        ),
    ]
    for text in unshown:
        assert not _matcher(tokenizer, tools, shown).accept_string(text), text


def test_a_tool_whose_id_nobody_has_shown_cannot_be_called(tokenizer: AutoTokenizer) -> None:
    tools = default_registry().openai_schemas()
    # Words with digits that are no order ids: a user id, a size, an escaped "<" of a result.
    shown = {"emma_santos_9753", "50ml", "u003c"}
    names = {t["begin"] for t in structural_tag(tools, shown)["format"]["tags"]}
    assert call_prefix("get_user_details") in names
    assert call_prefix("get_order_details") not in names  # no order id shown yet
    assert call_prefix("answer_faq") in names
    assert not _matcher(tokenizer, tools, shown).accept_string(
        '<tool_call>[{"name": "get_order_details"'
    )
    order_tools = [t for t in tools if t["function"]["name"] == "get_order_details"]
    assert structural_tag(order_tools, set()) is None
    assert structural_tag(order_tools, None) is not None
