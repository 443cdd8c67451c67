"""Scoring completions against dev-case targets."""

from __future__ import annotations

import json
from typing import Any

from assistant.finetune.metrics import score_case, summarise
from assistant.llm.quoting import quote_tool_result
from assistant.llm.types import ChatResult, ToolCall
from assistant.tools import default_registry

REGISTRY = default_registry()
SEARCH = {"query": "blue t-shirts under $55", "filters": None}
HIT = {"item_id": "9612497925", "name": "T-Shirt", "price": 50.88, "available": True}


def _case(target: dict[str, Any], with_result: bool = False) -> dict[str, Any]:
    messages = [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "blue t-shirts under $55?"},
    ]
    if with_result:
        messages.append(
            {"role": "tool", "content": quote_tool_result("search_products", {"results": [HIT]})}
        )
    return {"id": "c", "messages": messages, "target": target}


def _call(name: str, arguments: dict[str, Any] | str) -> ChatResult:
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return ChatResult(tool_calls=[ToolCall("1", name, raw)])


def test_a_right_call_with_minimal_arguments_matches_the_normalised_target() -> None:
    case = _case({"kind": "call", "name": "search_products", "arguments": SEARCH})
    score = score_case(
        case, _call("search_products", {"query": "blue t-shirts under $55"}), REGISTRY, 1.0
    )
    assert score.valid_call and score.tool_correct and score.args_exact


def test_wrong_arguments_wrong_tool_and_broken_json_are_told_apart() -> None:
    case = _case({"kind": "call", "name": "search_products", "arguments": SEARCH})
    loose = score_case(
        case, _call("search_products", {"query": "Blue T-shirts under $55."}), REGISTRY, 0
    )
    assert loose.tool_correct and not loose.args_exact and loose.args_lenient
    wrong = score_case(case, _call("answer_faq", {"question": "t-shirts"}), REGISTRY, 0)
    assert wrong.valid_call and not wrong.tool_correct
    broken = score_case(case, _call("search_products", '{"query": '), REGISTRY, 0)
    assert broken.attempted_call and not broken.valid_call
    text = score_case(case, ChatResult(content="We have shirts."), REGISTRY, 0)
    assert not text.attempted_call and not text.tool_correct
    summary = summarise([loose, wrong, broken, text])
    assert summary["tool_selection"]["hits"] == 2 and summary["tool_selection"]["total"] == 4
    assert summary["valid_call"]["total"] == 3 and summary["valid_call"]["hits"] == 2


def test_answers_are_grounded_only_with_facts_from_the_results() -> None:
    target = {"kind": "answer", "text": "- T-Shirt (blue), item 9612497925: $50.88"}
    case = _case(target, with_result=True)
    good = score_case(case, ChatResult(content="T-Shirt, item 9612497925, $50.88."), REGISTRY, 0)
    invented = score_case(
        case, ChatResult(content="T-Shirt, item 9612497925, $45.00."), REGISTRY, 0
    )
    vague = score_case(case, ChatResult(content="We have nice shirts."), REGISTRY, 0)
    assert good.grounded and not invented.grounded and not vague.grounded


def test_refusals_and_questions_must_not_call_tools() -> None:
    refuse = _case({"kind": "refuse", "text": "Sorry, I can only help you with your own orders."})
    assert score_case(
        refuse, ChatResult(content="Sorry, I can't do that."), REGISTRY, 0
    ).behaviour_correct
    called = score_case(refuse, _call("get_user_details", {"user_id": "x"}), REGISTRY, 0)
    assert not called.behaviour_correct
    ask = _case({"kind": "ask", "text": "Please tell me your email address."})
    assert score_case(ask, ChatResult(content="What is your email?"), REGISTRY, 0).behaviour_correct
    assert not score_case(ask, ChatResult(content="Sure thing."), REGISTRY, 0).behaviour_correct


def test_a_new_run_keeps_other_models_only_from_a_report_on_the_same_cases() -> None:
    from assistant.finetune.evaluate import carry_over

    expected = {"dev-1/0": "call view_cart {}"}
    previous = {"expected": expected, "models": {"base": {"s": 1}, "fine-tuned": {"s": 2}}}
    report = {"expected": dict(expected), "models": {"fine-tuned": {"s": 3}}}
    assert carry_over(report, previous) == ["base"]
    assert report["models"] == {"base": {"s": 1}, "fine-tuned": {"s": 3}}

    other = {"expected": {"dev-1/0": "chat: 'hi'"}, "models": {"base": {"s": 1}}}
    fresh = {"expected": dict(expected), "models": {"fine-tuned": {"s": 3}}}
    assert carry_over(fresh, other) == []
    assert list(fresh["models"]) == ["fine-tuned"]
