"""The tool-call grammar a vLLM server enforces while the model decides freely.

With `tool_choice="auto"` the model may answer in text or call a tool. Left alone, a small
model writes calls that do not parse, name tools that do not exist, or add arguments the
schema does not have. A vLLM structural tag closes that gap without taking the choice away:
text stays free, but once the model writes `<tool_call>` the rest of the call must be
`[{"name": <a known tool>, "arguments": <JSON valid for that tool's schema>}]</tool_call>`,
exactly the format of the chat template in `prompts/` that the xlam parser reads.

The engine's `CallRules` narrow it further: only the tools it allows, and arguments held to
the values it allows (ids the conversation has shown, where they belong); a tool whose
required argument may take no value cannot be called.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from assistant.llm.types import ArgumentHold, CallRules

CALL_OPEN = "<tool_call>"
CALL_CLOSE = "</tool_call>"


def call_prefix(name: str) -> str:
    """How the chat template starts a call of tool `name`, up to its arguments."""
    return f'{CALL_OPEN}[{{"name": {json.dumps(name)}, "arguments": '


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    """An optional argument's schema (`anyOf` with null) as its one non-null alternative."""
    branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) != 1:
        return prop
    rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
    return {**branches[0], **rest}


def _held(schema: dict[str, Any], holds: Mapping[str, ArgumentHold]) -> dict[str, Any] | None:
    """`schema` with each held argument held; None if a required one may take no value."""
    properties = dict(schema.get("properties", {}))
    required = set(schema.get("required", []))
    for name, prop in list(properties.items()):
        hold = holds.get(name)
        if hold is None:
            continue
        prop = _without_null(prop)
        if hold.pattern is not None and prop.get("type") == "string":
            properties[name] = {**prop, "pattern": hold.pattern}
            continue
        if hold.allowed is None:
            continue
        if not hold.allowed:
            if name in required:
                return None
            del properties[name]  # an optional argument with no source is not given
            continue
        if prop.get("type") == "array":
            items = prop.get("items", {})
            if hold.spelled:
                repeats = {**items, "enum": list(hold.repeatable)} if hold.repeatable else False
                properties[name] = {
                    **prop,
                    "prefixItems": [{"const": i} for i in hold.spelled],
                    "items": repeats,
                    "minItems": len(hold.spelled),
                }
            else:
                properties[name] = {**prop, "items": {**items, "enum": list(hold.allowed)}}
        elif prop.get("type") == "string":
            properties[name] = {**prop, "enum": list(hold.allowed)}
    return {**schema, "properties": properties}


def structural_tag(
    tools: list[dict[str, Any]], rules: CallRules | None = None
) -> dict[str, Any] | None:
    """The `response_format` that constrains every tool call to one of `tools` and its schema.

    Args:
        tools: OpenAI tool definitions (`{"type": "function", "function": {...}}`).
        rules: The tools that may be called and the holds on their arguments; a tool not
            allowed, or whose required argument may take no value, is left out. None: every
            tool, arguments free within their schemas.

    Returns:
        The structural tag, or None when no tool can be called.
    """
    rules = rules or CallRules()
    tags = []
    for tool in tools:
        function = tool.get("function", tool)
        if rules.tools is not None and function["name"] not in rules.tools:
            continue
        schema = function.get("parameters") or {"type": "object", "properties": {}}
        held = _held(schema, rules.holds)
        if held is None:
            continue
        schema = held
        tags.append(
            {
                "type": "tag",
                "begin": call_prefix(function["name"]),
                # One space at most: the template's `", "` separators, but no padding.
                "content": {"type": "json_schema", "json_schema": schema, "max_whitespace_cnt": 1},
                "end": "}]" + CALL_CLOSE,
            }
        )
    if not tags:
        return None
    return {
        "type": "structural_tag",
        "format": {"type": "triggered_tags", "triggers": [CALL_OPEN], "tags": tags},
    }


def held_tool(
    tool: dict[str, Any], holds: Mapping[str, ArgumentHold], drop: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """One tool definition with its arguments held (and `drop` left out), for a call the model
    must make (named `tool_choice`); None when a required argument may take no value."""
    function = tool.get("function", tool)
    parameters = function.get("parameters") or {"type": "object", "properties": {}}
    kept = {k: v for k, v in parameters.get("properties", {}).items() if k not in drop}
    held = _held({**parameters, "properties": kept}, holds)
    if held is None:
        return None
    return {"type": "function", "function": {**function, "parameters": held}}
