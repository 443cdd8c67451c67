"""How a replayed task is summarised, the same way for τ² and for shopassist.

Standard library only: `reference.py` runs it next to τ²'s code, the test next to
shopassist's. A full retail state is ~1.5 MB, so per task only the products, users and
orders that differ from the initial state are kept. Both sides start from the same
`db.json`, so equal changes mean equal final states, entity for entity.
"""

from __future__ import annotations

import json
from typing import Any

STATE_PARTS = ("products", "users", "orders")


def jsonable(value: Any) -> Any:
    """A tool result as plain JSON data (pydantic models dumped with all their fields)."""
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    return json.loads(json.dumps(value))


def changed_entities(initial: dict[str, Any], final: dict[str, Any]) -> dict[str, Any]:
    """Entities of `final` that are new or differ from `initial`, by part and id.

    Values are compared as data, and a float never equals a different float, so the
    comparison is exact (`0 == 0.0` is the one leniency, as in Python).
    """
    changed: dict[str, Any] = {}
    for part in STATE_PARTS:
        before, after = initial.get(part, {}), final.get(part, {})
        changed[part] = {key: value for key, value in after.items() if before.get(key) != value}
        missing = sorted(set(before) - set(after))
        if missing:
            changed[f"{part}_removed"] = missing
    return changed


def action_outcome(
    name: str, arguments: dict[str, Any], *, error: str | None = None, result: Any = None
) -> dict[str, Any]:
    """One replayed action: its call, whether it failed, and the error or the result."""
    if error is not None:
        return {"name": name, "arguments": arguments, "error": True, "output": error}
    return {"name": name, "arguments": arguments, "error": False, "output": jsonable(result)}


def task_outcome(
    task_id: str,
    actions: list[dict[str, Any]],
    initial: dict[str, Any],
    final: dict[str, Any],
) -> dict[str, Any]:
    """The summary of one task's replay that both sides produce."""
    return {
        "id": task_id,
        "actions": actions,
        "changed": changed_entities(initial, final),
    }


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Readable differences between two JSON values, one line per differing leaf."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        lines: list[str] = []
        for key in [*expected, *(k for k in actual if k not in expected)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                lines.append(f"{where}: missing (expected {expected[key]!r})")
            elif key not in expected:
                lines.append(f"{where}: unexpected {actual[key]!r}")
            else:
                lines += differences(expected[key], actual[key], where)
        return lines
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        lines = []
        for n, (e, a) in enumerate(zip(expected, actual, strict=True)):
            lines += differences(e, a, f"{path}[{n}]")
        return lines
    if expected != actual or type(expected) is not type(actual):
        return [f"{path or '(value)'}: expected {expected!r}, got {actual!r}"]
    return []


def compare_tasks(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Why shopassist's replay of a task differs from τ²'s (empty when they agree).

    Per action: error or not, then the error message or the result; then the final state.
    """
    problems: list[str] = []
    if len(expected["actions"]) != len(actual["actions"]):
        problems.append(
            f"{len(expected['actions'])} actions in the reference, {len(actual['actions'])} here"
        )
    for n, (e, a) in enumerate(zip(expected["actions"], actual["actions"], strict=False)):
        label = f"action {n} {e['name']}({json.dumps(e['arguments'])})"
        if e["error"] != a["error"]:
            e_says = f"error {e['output']!r}" if e["error"] else "success"
            a_says = f"error {a['output']!r}" if a["error"] else "success"
            problems.append(f"{label}: τ² gave {e_says}, shopassist gave {a_says}")
        elif e["error"] and e["output"] != a["output"]:
            problems.append(f"{label}: error {e['output']!r} vs {a['output']!r}")
        elif not e["error"]:
            problems += [f"{label} result {line}" for line in differences(e["output"], a["output"])]
    problems += [
        f"final state {line}" for line in differences(expected["changed"], actual["changed"])
    ]
    return problems
