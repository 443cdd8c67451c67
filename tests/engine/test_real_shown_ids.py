"""On the real served model, a tool call names only ids the conversation has shown.

After a sign-in that came with a profile question, the fine-tuned model left to itself
looks up an order with an id nobody gave (`#W0000000`); held to the shown ids, it cannot
call an order tool before an order id is shown, and asks for the profile instead.
"""

from __future__ import annotations

import json

import pytest

from assistant.engine.dialogue import default_system_prompt, session_note
from assistant.engine.shown import REFERENCE_ARGUMENTS, candidates, holds, shown_ids
from assistant.finetune.answers import ASK_IDENTITY
from assistant.llm.quoting import quote_tool_result
from assistant.llm.server import VllmServer
from assistant.llm.types import CallRules
from assistant.store.models import SessionState
from assistant.tools import default_registry
from tests.support import served_client

EMAIL = "harper.kim4003@example.com"
USER_ID = "harper_kim_2998"


def _signed_in_with_a_profile_question() -> list[dict]:
    lookup = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "find_user_id_by_email", "arguments": json.dumps({"email": EMAIL})},
    }
    session = session_note(SessionState(session_id="s", user_id=USER_ID))
    return [
        {"role": "system", "content": f"{default_system_prompt()}\n\n{session}"},
        {"role": "user", "content": "where do you ship my stuff by default?"},
        {"role": "assistant", "content": ASK_IDENTITY},
        {"role": "user", "content": f"email: {EMAIL}"},
        {"role": "assistant", "content": "", "tool_calls": [lookup]},
        {
            "role": "tool",
            "tool_call_id": "call_1",
            "content": quote_tool_result("find_user_id_by_email", USER_ID),
        },
    ]


@pytest.mark.vllm
def test_no_order_id_is_made_up_after_a_sign_in(finetuned_vllm_server: VllmServer) -> None:
    messages = _signed_in_with_a_profile_question()
    registry = default_registry()
    tools = registry.openai_schemas()
    shown = shown_ids(messages, registry)
    assert shown.words == {EMAIL, USER_ID}

    client = served_client(finetuned_vllm_server, max_tokens=120)
    rules = CallRules(holds=holds(shown))
    held = client.chat(messages, tools=tools, tool_choice="auto", rules=rules)
    for call in held.tool_calls:
        assert call.name != "get_order_details"
        for name, value in json.loads(call.arguments).items():
            if name in REFERENCE_ARGUMENTS:
                values = value if isinstance(value, list) else [value]
                assert set(values) <= set(candidates(name, shown)), call
    assert [(c.name, json.loads(c.arguments)) for c in held.tool_calls] == [
        ("get_user_details", {"user_id": USER_ID})
    ]


PURIFIERS = [
    ("9534205511", "smart sensors, ionic, large", 473.43, True),
    ("5669664287", "quiet operation, ionic, small", 543.68, True),
    ("6341716129", "smart sensors, HEPA, large", 523.31, False),
]


def _after_a_search_list(latest: str) -> list[dict]:
    results = [
        {
            "product_id": "3821016478",
            "item_id": item,
            "name": "Air Purifier",
            "product_type": "Air Purifier",
            "options": dict(
                zip(("features", "filter type", "size"), options.split(", "), strict=True)
            ),
            "price": price,
            "available": available,
        }
        for item, options, price, available in PURIFIERS
    ]
    search = {
        "id": "call_1",
        "type": "function",
        "function": {
            "name": "search_products",
            "arguments": json.dumps({"query": "air purifiers under $600", "filters": None}),
        },
    }
    listed = "\n".join(
        f"- Air Purifier ({options}), item {item}: ${price}{'' if ok else ' (out of stock)'}"
        for item, options, price, ok in PURIFIERS
    )
    return [
        {"role": "system", "content": default_system_prompt()},
        {"role": "user", "content": "any air purifiers under $600?"},
        {"role": "assistant", "content": "", "tool_calls": [search]},
        {
            "role": "tool",
            "tool_call_id": "call_1",
            "content": quote_tool_result(
                "search_products", {"query": "air purifiers under $600", "results": results}
            ),
        },
        {"role": "assistant", "content": f"Here is what I found:\n{listed}"},
        {"role": "user", "content": latest},
    ]


@pytest.mark.vllm
def test_the_second_one_goes_to_the_cart(finetuned_vllm_server: VllmServer) -> None:
    messages = _after_a_search_list("put the second one in my basket")
    registry = default_registry()
    rules = CallRules(holds=holds(shown_ids(messages, registry)))
    held = served_client(finetuned_vllm_server, max_tokens=120)
    result = held.chat(messages, tools=registry.openai_schemas(), tool_choice="auto", rules=rules)
    assert [(c.name, json.loads(c.arguments)) for c in result.tool_calls] == [
        ("add_to_cart", {"item_id": "5669664287", "quantity": 1})
    ]
