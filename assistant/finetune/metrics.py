"""Scoring one model completion against the reference target of a dev case.

A case is one request of a dev dialogue: exactly the messages the engine sent, and what
the reference model did (a tool call, or a text reply of kind ask/refuse/answer/chat).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from assistant.engine.grounding import evidence_from, extract_claims, verify
from assistant.llm.quoting import unquote_tool_result
from assistant.llm.types import ChatResult
from assistant.tools.registry import ToolError, ToolKind, ToolRegistry

REFUSAL_MARKERS = ("sorry", "can't", "cannot", "unable", "not able", "only help", "won't")
_WORDS = re.compile(r"[a-z0-9$.#]+")


@dataclass
class CaseScore:
    """How one completion compares with the reference."""

    case_id: str
    expected_kind: str
    expected_tool: str | None
    called: str | None
    """Name of the first tool the model called (None: it replied in text)."""
    attempted_call: bool
    """The model called a tool or wrote tool-call markup."""
    valid_call: bool
    """Every call parsed, names a known tool and has arguments valid for its schema."""
    tool_correct: bool
    args_exact: bool
    args_lenient: bool
    behaviour_correct: bool
    """Text kinds: the reply does what the reference did (asks, refuses, answers, chats)."""
    grounded: bool
    """Answers: every id and price in the reply is in the tool results, and it states at
    least one fact the reference answer states (or quotes the results)."""
    text: str
    arguments: str | None
    seconds: float
    completion_tokens: int


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.lower().split()).strip(" .!?")
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return value


def _validated(registry: ToolRegistry, name: str, raw: str) -> dict[str, Any] | None:
    try:
        arguments = json.loads(raw or "{}")
        if not isinstance(arguments, dict):
            return None
        return registry.get(name).validate(arguments).model_dump(mode="json")
    except (ValueError, ToolError):
        return None


def _evidence_texts(messages: list[dict[str, Any]]) -> tuple[list[Any], list[str]]:
    data, shopper = [], []
    for message in messages:
        if message.get("role") == "tool":
            value = unquote_tool_result(str(message.get("content", "")))
            if value is not None:
                data.append(value)
        elif message.get("role") == "user":
            shopper.append(str(message.get("content", "")))
    return data, shopper


def _shares_span(reply: str, sources: Iterable[str], size: int = 5) -> bool:
    words = _WORDS.findall(reply.lower())
    grams = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    if not grams:
        return False
    for source in sources:
        s = _WORDS.findall(source.lower())
        if any(" ".join(s[i : i + size]) in grams for i in range(len(s) - size + 1)):
            return True
    return False


def behaviour_ok(kind: str, text: str) -> bool:
    """Does a text reply do what a reference reply of `kind` does?"""
    low = text.lower()
    if not low.strip():
        return False
    if kind == "ask":
        return "?" in low or "email" in low or "zip" in low
    if kind == "refuse":
        return any(m in low for m in REFUSAL_MARKERS)
    return True


def score_case(
    case: Mapping[str, Any], result: ChatResult, registry: ToolRegistry, seconds: float
) -> CaseScore:
    """Compare the model's completion for `case` with its reference target."""
    target = case["target"]
    kind = target["kind"]
    text = result.content or ""
    calls = result.tool_calls
    attempted = bool(calls) or "<tool_call>" in text
    validated = [_validated(registry, c.name, c.arguments) for c in calls]
    valid = bool(calls) and all(v is not None for v in validated) and "<tool_call>" not in text
    first = calls[0] if calls else None
    tool_correct = args_exact = args_lenient = False
    if kind == "call" and first is not None:
        tool_correct = first.name == target["name"]
        if tool_correct and validated[0] is not None:
            # The target through today's schema too, so defaults added since compare equal.
            expected = _validated(registry, target["name"], json.dumps(target["arguments"]))
            expected = target["arguments"] if expected is None else expected
            args_exact = validated[0] == expected
            args_lenient = _normalise(validated[0]) == _normalise(expected)
    behaviour = kind != "call" and not attempted and behaviour_ok(kind, text)
    grounded = False
    if kind == "answer" and not attempted and text.strip():
        data, shopper = _evidence_texts(case["messages"])
        supported = verify(text, evidence_from(data, shopper)).grounded
        claims = extract_claims(target["text"])
        facts = claims.order_ids | claims.ids | {f"{p}" for p in claims.prices}
        said = extract_claims(text)
        said_facts = said.order_ids | said.ids | {f"{p}" for p in said.prices}
        if facts:
            informative = bool(facts & said_facts)
        else:
            informative = _shares_span(text, [json.dumps(d) for d in data] + [target["text"]])
        grounded = supported and informative
    return CaseScore(
        case_id=case["id"],
        expected_kind=kind,
        expected_tool=target.get("name"),
        called=first.name if first else None,
        attempted_call=attempted,
        valid_call=valid,
        tool_correct=tool_correct,
        args_exact=args_exact,
        args_lenient=args_lenient,
        behaviour_correct=behaviour,
        grounded=grounded,
        text=text[:500],
        arguments=first.arguments if first else None,
        seconds=round(seconds, 2),
        completion_tokens=result.completion_tokens,
    )


def _changes() -> frozenset[str]:
    """The tools that change the store (everything but reads)."""
    from assistant.tools import default_registry

    return frozenset(t.name for t in default_registry() if t.kind is not ToolKind.READ)


def _rate(hits: int, total: int) -> dict[str, Any]:
    return {"rate": round(hits / total, 4) if total else None, "hits": hits, "total": total}


def summarise(scores: list[CaseScore]) -> dict[str, Any]:
    """Aggregate rates over the scored cases."""
    calls = [s for s in scores if s.expected_kind == "call"]
    changes = _changes()
    writes = [s for s in calls if s.expected_tool in changes]
    texts = [s for s in scores if s.expected_kind != "call"]
    attempted = [s for s in scores if s.attempted_call]
    by_kind = {
        kind: _rate(sum(s.behaviour_correct for s in group), len(group))
        for kind in ("ask", "refuse", "chat", "answer")
        if (group := [s for s in texts if s.expected_kind == kind])
    }
    per_tool: dict[str, list[CaseScore]] = defaultdict(list)
    for s in calls:
        per_tool[str(s.expected_tool)].append(s)
    answers = [s for s in texts if s.expected_kind == "answer"]
    return {
        "cases": len(scores),
        "tool_selection": _rate(sum(s.tool_correct for s in calls), len(calls)),
        "argument_exact_match": _rate(sum(s.args_exact for s in calls), len(calls)),
        "argument_match_lenient": _rate(sum(s.args_lenient for s in calls), len(calls)),
        "call_when_expected": _rate(sum(s.attempted_call for s in calls), len(calls)),
        "valid_call": _rate(sum(s.valid_call for s in attempted), len(attempted)),
        "no_call_when_text_expected": _rate(sum(not s.attempted_call for s in texts), len(texts)),
        "ask": by_kind.get("ask"),
        "refuse": by_kind.get("refuse"),
        "chat": by_kind.get("chat"),
        "confirm_write_call": _rate(sum(s.tool_correct for s in writes), len(writes)),
        "grounded_answer": _rate(sum(s.grounded for s in answers), len(answers)),
        "per_tool": {
            name: {
                "selection": _rate(sum(s.tool_correct for s in group), len(group)),
                "arguments": _rate(sum(s.args_exact for s in group), len(group)),
            }
            for name, group in sorted(per_tool.items())
        },
        "mean_seconds": round(sum(s.seconds for s in scores) / len(scores), 2) if scores else None,
    }


def score_rows(scores: list[CaseScore]) -> list[dict[str, Any]]:
    """Scores as plain data."""
    return [asdict(s) for s in scores]
