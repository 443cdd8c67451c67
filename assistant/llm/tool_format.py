"""The tool-call grammar a vLLM server enforces while the model decides freely.

With `tool_choice="auto"` the model may answer in text or call a tool. Left alone, a small
model writes calls that do not parse, name tools that do not exist, or add arguments the
schema does not have. A vLLM structural tag closes that gap without taking the choice away:
text stays free, but once the model writes `<tool_call>` the rest of the call must be
`[{"name": <a known tool>, "arguments": <JSON valid for that tool's schema>}]</tool_call>`,
exactly the format of the chat template in `prompts/` that the xlam parser reads.
"""

from __future__ import annotations

import json
from typing import Any

CALL_OPEN = "<tool_call>"
CALL_CLOSE = "</tool_call>"


def call_prefix(name: str) -> str:
    """How the chat template starts a call of tool `name`, up to its arguments."""
    return f'{CALL_OPEN}[{{"name": {json.dumps(name)}, "arguments": '


def structural_tag(tools: list[dict[str, Any]]) -> dict[str, Any]:
    """The `response_format` that constrains every tool call to one of `tools` and its schema.

    Args:
        tools: OpenAI tool definitions (`{"type": "function", "function": {...}}`).
    """
    tags = []
    for tool in tools:
        function = tool.get("function", tool)
        schema = function.get("parameters") or {"type": "object", "properties": {}}
        tags.append(
            {
                "type": "tag",
                "begin": call_prefix(function["name"]),
                # One space at most: the template's `", "` separators, but no padding.
                "content": {"type": "json_schema", "json_schema": schema, "max_whitespace_cnt": 1},
                "end": "}]" + CALL_CLOSE,
            }
        )
    return {
        "type": "structural_tag",
        "format": {"type": "triggered_tags", "triggers": [CALL_OPEN], "tags": tags},
    }
