"""The tool-call grammar a vLLM server enforces while the model decides freely.

With `tool_choice="auto"` the model may answer in text or call a tool. Left alone, a small
model writes calls that do not parse, name tools that do not exist, or add arguments the
schema does not have. A vLLM structural tag closes that gap without taking the choice away:
text stays free, but once the model writes `<tool_call>` the rest of the call must be
`[{"name": <a known tool>, "arguments": <JSON valid for that tool's schema>}]</tool_call>`,
exactly the format of the chat template in `prompts/` that the xlam parser reads.

Given the conversation, the grammar also holds id arguments to the ids it has shown, where
they belong (`references`): a tool that needs an id nobody has shown yet cannot be called.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.llm.references import REFERENCE_ARGUMENTS, Shown, candidates, named

CALL_OPEN = "<tool_call>"
CALL_CLOSE = "</tool_call>"


def call_prefix(name: str) -> str:
    """How the chat template starts a call of tool `name`, up to its arguments."""
    return f'{CALL_OPEN}[{{"name": {json.dumps(name)}, "arguments": '


def _repeats(prop: dict[str, Any], repeatable: list[str]) -> dict[str, Any] | bool:
    """The `items` schema after a spelled-out list: the ids that may come again, or none."""
    return {**prop.get("items", {}), "enum": repeatable} if repeatable else False


def _held_to_shown(schema: dict[str, Any], shown: Shown) -> dict[str, Any] | None:
    """`schema` with each id argument held to its candidates; None if a required one has none.

    A list the shopper just spelled out ("compare the second and the third") must be those
    ids, in that order (an item an order holds twice may come twice); otherwise each entry
    is one of the candidates.
    """
    properties = dict(schema.get("properties", {}))
    required = set(schema.get("required", []))
    for name, prop in properties.items():
        if name not in REFERENCE_ARGUMENTS:
            continue
        allowed = candidates(name, shown)
        if not allowed:
            if name in required:
                return None
            continue
        if prop.get("type") == "array":
            if spelled := named(name, shown):
                properties[name] = {
                    **prop,
                    "prefixItems": [{"const": i} for i in spelled],
                    "items": _repeats(prop, [i for i in spelled if i in shown.ordered_twice]),
                    "minItems": len(spelled),
                }
            else:
                properties[name] = {**prop, "items": {**prop.get("items", {}), "enum": allowed}}
        elif prop.get("type") == "string":
            properties[name] = {**prop, "enum": allowed}
    return {**schema, "properties": properties}


def structural_tag(
    tools: list[dict[str, Any]], shown: Shown | None = None
) -> dict[str, Any] | None:
    """The `response_format` that constrains every tool call to one of `tools` and its schema.

    Args:
        tools: OpenAI tool definitions (`{"type": "function", "function": {...}}`).
        shown: What the conversation has shown (`references.shown_ids`). When given, id
            arguments must be one of their `references.candidates`, and a tool whose required
            id has none is left out. None leaves ids free.

    Returns:
        The structural tag, or None when no tool can be called yet.
    """
    tags = []
    for tool in tools:
        function = tool.get("function", tool)
        schema = function.get("parameters") or {"type": "object", "properties": {}}
        if shown is not None:
            held = _held_to_shown(schema, shown)
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
