"""The tool-calling chat template renders tools compactly and tool calls in SmolLM2's format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from assistant.engine.shown import Shown, candidates, holds
from assistant.engine.shown import shown_ids as shown_in
from assistant.llm.quoting import DATA_NOTE, quote_tool_result
from assistant.llm.tool_format import call_prefix, structural_tag
from assistant.llm.types import CallRules
from assistant.tools import default_registry
from prompts import CHAT_TEMPLATE

REGISTRY = default_registry()


def shown_ids(messages: list[dict]) -> Shown:
    return shown_in(messages, REGISTRY)


def held(shown: Shown | None) -> CallRules | None:
    return None if shown is None else CallRules(holds=holds(shown))


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


def _matcher(tokenizer: AutoTokenizer, tools: list[dict], shown: Shown | None = None) -> object:
    import xgrammar as xgr

    grammar = xgr.Grammar.from_structural_tag(json.dumps(structural_tag(tools, held(shown))))
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

    broken = f'<tool_result name="x">\n{DATA_NOTE}'

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
        # Results cut short or broken are still read for their words, and break nothing.
        {"role": "tool", "tool_call_id": "d", "content": quote_tool_result("x", [1])[:-18]},
        {"role": "tool", "tool_call_id": "e", "content": f"{broken}\n{{[\n</tool_result>"},
        {
            "role": "tool",
            "tool_call_id": "f",
            "content": quote_tool_result(
                "x", {"order_id": "#W1", "items": ["item_id"], "payment_history": [["x"]]}
            ),
        },
    ]
    shown = shown_ids(messages).words
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
    shown = Shown(
        words=frozenset(
            {"#W3113816", "W7430166", "emma_santos_9753", "1008292230", "e.s@example.com"}
        )
    )
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
        _call("get_user_details", {"user_id": "#W3113816"}),  # an order id, not a user id
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
    shown = Shown(words=frozenset({"emma_santos_9753", "50ml", "u003c"}))
    names = {t["begin"] for t in structural_tag(tools, held(shown))["format"]["tags"]}
    assert call_prefix("get_user_details") in names
    assert call_prefix("get_order_details") not in names  # no order id shown yet
    assert call_prefix("answer_faq") in names
    assert not _matcher(tokenizer, tools, shown).accept_string(
        '<tool_call>[{"name": "get_order_details"'
    )
    order_tools = [t for t in tools if t["function"]["name"] == "get_order_details"]
    assert structural_tag(order_tools, held(Shown())) is None
    assert structural_tag(order_tools, None) is not None


def _called(name: str, arguments: dict, result: object, n: int) -> list[dict]:
    """An assistant call of `name` and the tool message with its quoted `result`."""
    call = {
        "id": f"c{n}",
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
    }
    return [
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": f"c{n}", "content": quote_tool_result(name, result)},
    ]


ADDRESS = {
    "address1": "1 Main St",
    "address2": "",
    "city": "Austin",
    "country": "USA",
    "state": "TX",
    "zip": "78701",
}
ORDER = {
    "order_id": "#W5442520",
    "user_id": "olivia_ito_3591",
    "address": ADDRESS,
    "status": "pending",
    "items": [
        {
            "name": "Hiking Boots",
            "product_id": "7363354090",
            "item_id": "2648909398",
            "price": 240.87,
            "options": {"size": "8", "material": "leather"},
        },
        {
            "name": "Gaming Mouse",
            "product_id": "5713490933",
            "item_id": "3330317167",
            "price": 137.22,
            "options": {"color": "black"},
        },
    ],
    "fulfillments": [],
    "payment_history": [
        {"transaction_type": "payment", "amount": 378.09, "payment_method_id": "credit_card_9753"}
    ],
}


def _variant(item_id: str, size: str, material: str, available: bool) -> dict:
    options = {"size": size, "material": material}
    return {"item_id": item_id, "options": options, "available": available, "price": 250.0}


BOOTS = {
    "name": "Hiking Boots",
    "product_id": "7363354090",
    "variants": {
        v["item_id"]: v
        for v in (
            _variant("8106223139", "9", "leather", True),
            _variant("2658930189", "9", "leather", False),
            _variant("5120876212", "9", "synthetic", True),
            _variant("1615379700", "10", "leather", True),
            _variant("2648909398", "8", "leather", True),
        )
    },
}


def test_order_changes_take_items_and_payments_from_what_the_tools_returned(
    tokenizer: AutoTokenizer,
) -> None:
    tools = default_registry().openai_schemas()
    messages = [
        {"role": "user", "content": "in #W5442520 make the hiking boots a 9"},
        *_called("get_order_details", {"order_id": "#W5442520"}, ORDER, 1),
    ]
    shown = shown_ids(messages)
    names = {t["begin"] for t in structural_tag(tools, held(shown))["format"]["tags"]}
    # The boots' variants have not been looked up: no item change can be written yet.
    assert call_prefix("modify_pending_order_items") not in names
    assert call_prefix("get_product_details") in names

    messages += _called("get_product_details", {"product_id": "7363354090"}, BOOTS, 2)
    shown = shown_ids(messages)
    assert candidates("item_ids", shown) == ["2648909398"]  # "the hiking boots"
    # In stock, not the ordered item, size 9 as asked, and leather as before.
    assert candidates("new_item_ids", shown) == ["8106223139"]
    assert shown.variants == {"8106223139", "5120876212", "1615379700"}
    assert candidates("payment_method_id", shown) == ["credit_card_9753"]
    change = {
        "order_id": "#W5442520",
        "item_ids": ["2648909398"],
        "new_item_ids": ["8106223139"],
        "payment_method_id": "credit_card_9753",
    }
    assert _matcher(tokenizer, tools, shown).accept_string(
        _call("modify_pending_order_items", change)
    )
    unnamed = shown_ids([{"role": "user", "content": "change the boots"}, *messages[1:]])
    assert candidates("new_item_ids", unnamed) == ["1615379700", "5120876212", "8106223139"]
    wrong = [
        {"new_item_ids": ["2648909398"]},  # the item it replaces
        {"new_item_ids": ["5120876212"]},  # size 9, but not leather
        {"new_item_ids": ["2658930189"]},  # out of stock
        {"item_ids": ["8106223139"]},  # not in the order
        {"payment_method_id": "olivia_ito_3591"},  # not a payment method
    ]
    for change_of in wrong:
        text = _call("modify_pending_order_items", {**change, **change_of})
        assert not _matcher(tokenizer, tools, shown).accept_string(text), change_of

    # Items named by their product name are the items of the change.
    named = [{"role": "user", "content": "only the gaming mouse please"}]
    shown = shown_ids(messages + named)
    assert candidates("item_ids", shown) == ["3330317167"]

    def refund(items: list[str]) -> str:
        arguments = {
            "order_id": "#W5442520",
            "item_ids": items,
            "payment_method_id": "credit_card_9753",
        }
        return _call("return_delivered_order_items", arguments)

    for items, ok in ((["3330317167"], True), (["3330317167", "2648909398"], False)):
        assert _matcher(tokenizer, tools, shown).accept_string(refund(items)) is ok, items
    # The same item twice only where the order holds it twice.
    twice = [*ORDER["items"], ORDER["items"][1]]
    for order, ok in ((ORDER, False), ({**ORDER, "items": twice}, True)):
        shown = shown_ids([*_called("get_order_details", {}, order, 3), *named])
        assert _matcher(tokenizer, tools, shown).accept_string(refund(["3330317167"] * 2)) is ok


SKATEBOARDS = [
    ("6313971174", "31 inch", "193.97"),
    ("6673921677", "28 inch", "189.57"),
    ("6956751343", "34 inch", "217.06"),
]


def _after_a_list(latest: str) -> list[dict]:
    results = [
        {
            "product_id": "1968349452",
            "item_id": item,
            "name": "Skateboard",
            "product_type": "Skateboard",
            "options": {"length": length},
            "price": float(price),
            "available": True,
        }
        for item, length, price in SKATEBOARDS
    ]
    listed = "\n".join(
        f"- Skateboard ({length}), item {item}: ${price}" for item, length, price in SKATEBOARDS
    )
    return [
        {"role": "user", "content": "bamboo skateboards please"},
        *_called(
            "search_products",
            {"query": "bamboo skateboards"},
            {"query": "bamboo skateboards", "results": results},
            1,
        ),
        {"role": "assistant", "content": f"Here is what I found:\n{listed}"},
        {"role": "user", "content": "cheers"},
        {"role": "assistant", "content": "You're welcome!"},
        {"role": "user", "content": latest},
    ]


def test_the_second_one_is_the_second_line_of_the_last_list(tokenizer: AutoTokenizer) -> None:
    tools = default_registry().openai_schemas()
    second = shown_ids(_after_a_list("throw the second one into my basket"))
    assert candidates("item_id", second) == ["6673921677"]
    assert _matcher(tokenizer, tools, second).accept_string(
        _call("add_to_cart", {"item_id": "6673921677", "quantity": 1})
    )
    assert not _matcher(tokenizer, tools, second).accept_string(
        _call("add_to_cart", {"item_id": "6313971174", "quantity": 1})
    )
    pair = shown_ids(_after_a_list("Put the second and the last side by side"))
    assert candidates("ids", pair) == ["6673921677", "6956751343"]
    compare = _matcher(tokenizer, tools, pair)
    assert compare.accept_string(_call("compare_products", {"ids": ["6673921677", "6956751343"]}))
    for ids in (["6956751343", "6956751343"], ["6956751343", "6673921677"], ["6673921677"]):
        assert not _matcher(tokenizer, tools, pair).accept_string(
            _call("compare_products", {"ids": ids})
        ), ids
    # Pointing at an item points a product argument at the item's product.
    assert candidates("product_id", shown_ids(_after_a_list("what about the first one?"))) == [
        "1968349452"
    ]
    # Without a position, or with numbers that are no ids (a zip code), nothing is narrowed.
    for latest in ("add one to my cart", "ship it to zip 94921 please"):
        assert len(candidates("item_id", shown_ids(_after_a_list(latest)))) >= 3, latest
