"""Direct tool calls for the storefront, the API and MCP, under the dialogue's own policy.

A storefront page, an API client or another agent sometimes wants a tool's result without a
model in between: search the catalog, sign the shopper in, read an order. These calls go
through the engine's `ToolRunner` (so through its `Policy`) exactly like the model's calls:

- arguments are validated against the tool's generated schema;
- `find_user_id_by_email` / `find_user_id_by_name_zip` authenticate the session, and a
  session stays with its first shopper;
- order and profile tools need that authenticated shopper and only reach their own data;
- a change tool never runs on the first call: it becomes the session's pending action and
  the caller gets its deterministic summary; only `confirm()` runs exactly that action.

Any other call drops a pending action, as any message but a plain yes does in the dialogue.
The session lives in the store, so a change left pending here can also be confirmed with a
"yes" in the chat, and the other way round.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from assistant.presentation.changes import describe_action
from assistant.store.models import SessionState
from assistant.tools.registry import ToolError

if TYPE_CHECKING:
    from assistant.engine.dialogue import DialogueEngine

DirectStatus = Literal[
    "ok",
    "confirmation_needed",
    "refused",
    "invalid_arguments",
    "unknown_tool",
    "tool_error",
    "nothing_pending",
    "action_mismatch",
]

NOTHING_PENDING = "there is no change waiting for confirmation in this session"
ACTION_MISMATCH = (
    "the change waiting for confirmation is not the one given: it was replaced or dropped. "
    "Read the pending action again before confirming"
)


@dataclass(frozen=True)
class DirectResult:
    """The outcome of one direct tool call or confirmation."""

    status: DirectStatus
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)
    data: Any = None
    """The tool's result as JSON data when `status == "ok"`."""
    error: str | None = None
    """What went wrong, in words meant for the caller."""
    details: list[dict[str, Any]] = field(default_factory=list)
    """Per-field problems for `invalid_arguments`: `{"loc": [...], "msg": ...}`."""
    summary: str | None = None
    """For `confirmation_needed`: the summary of the change to show the shopper."""
    action_id: str | None = None
    """For `confirmation_needed`: the id `confirm()` may be given to run exactly this change."""
    user_id: str | None = None
    """The session's authenticated shopper after the call."""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the tool ran and returned a result."""
        return self.status == "ok"

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (for API and MCP responses)."""
        return asdict(self)


def action_id(pending: dict[str, Any]) -> str:
    """A stable id of a pending action (name and exact arguments)."""
    canonical = json.dumps(
        {"name": pending["name"], "arguments": pending["arguments"]}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def pending_action(engine: DialogueEngine, session_id: str) -> dict[str, Any] | None:
    """The change waiting for confirmation in a session, with its summary and id, or None."""
    session = engine.store.load_session(session_id)
    if session is None or session.pending_action is None:
        return None
    pending = session.pending_action
    return {
        "name": pending["name"],
        "arguments": pending["arguments"],
        "summary": describe_action(pending["name"], pending["arguments"]),
        "action_id": action_id(pending),
    }


def _validation_details(err: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in err.errors(include_url=False, include_context=False)
    ]


def call_tool(engine: DialogueEngine, session_id: str, name: str, arguments: Any) -> DirectResult:
    """Run one tool for a session under the store policy.

    Args:
        engine: The dialogue engine whose registry, runner and policy apply.
        session_id: The conversation the call belongs to (created on first use).
        name: The tool's name.
        arguments: The tool's arguments as a JSON object.

    Returns:
        `ok` with the data; `confirmation_needed` for a change tool (stored as the session's
        pending action); `refused` by policy; `invalid_arguments`, `unknown_tool` or
        `tool_error` with the reason.
    """
    started = time.perf_counter()
    store = engine.store
    with store.transaction():
        session = store.load_session(session_id) or SessionState(session_id)
        if session.pending_action is not None:
            # Anything but a confirmation drops the pending change, as in the dialogue.
            session.pending_action = None
        store.save_session(session)

    def result(status: DirectStatus, **kw: Any) -> DirectResult:
        kw.setdefault("arguments", arguments if isinstance(arguments, dict) else {})
        return DirectResult(
            status, name, user_id=session.user_id, seconds=time.perf_counter() - started, **kw
        )

    try:
        tool = engine.registry.get(name)
    except ToolError as err:
        return result("unknown_tool", error=str(err))
    if not isinstance(arguments, dict):
        return result(
            "invalid_arguments",
            error=f"arguments must be a JSON object, got {type(arguments).__name__}",
        )
    try:
        tool.args_model.model_validate(arguments)
    except ValidationError as err:
        details = _validation_details(err)
        where = "; ".join(
            f"{'.'.join(map(str, d['loc'])) or '(arguments)'}: {d['msg']}" for d in details
        )
        message = f"invalid arguments for {name}: {where}"
        return result("invalid_arguments", error=message, details=details)

    outcome = engine.runner.run(name, arguments, session)
    if outcome.status == "pending" and outcome.pending is not None:
        session.pending_action = outcome.pending
    store.save_session(session)
    if outcome.status == "ok":
        return result("ok", arguments=outcome.arguments, data=outcome.data)
    if outcome.status == "pending" and outcome.pending is not None:
        return result(
            "confirmation_needed",
            arguments=outcome.arguments,
            summary=describe_action(name, outcome.arguments),
            action_id=action_id(outcome.pending),
        )
    status: DirectStatus = "refused" if outcome.status == "refused" else "tool_error"
    return result(status, arguments=outcome.arguments, error=outcome.error)


def confirm(engine: DialogueEngine, session_id: str, expected: str | None = None) -> DirectResult:
    """Run the session's pending change, exactly as it was summarised.

    Args:
        engine: The dialogue engine whose runner and policy apply.
        session_id: The conversation holding the pending change.
        expected: The `action_id` the caller showed the shopper; when given, a different
            pending change is not run.

    Returns:
        The change's result (`ok`, `refused` or `tool_error`), or `nothing_pending` /
        `action_mismatch` without running anything.
    """
    started = time.perf_counter()
    store = engine.store
    # Read and clear in one transaction, the session's row locked: two confirmations, in this
    # process or another one over the same database, cannot both run the change.
    with store.transaction():
        session = store.load_session(session_id, lock=True)
        pending = session.pending_action if session is not None else None
        if session is None or pending is None:
            user = session.user_id if session is not None else None
            return DirectResult("nothing_pending", "", error=NOTHING_PENDING, user_id=user)
        if expected is not None and expected != action_id(pending):
            return DirectResult(
                "action_mismatch",
                pending["name"],
                error=ACTION_MISMATCH,
                user_id=session.user_id,
            )
        session.pending_action = None
        store.save_session(session)
    name, arguments = pending["name"], dict(pending["arguments"])
    outcome = engine.runner.run(name, arguments, session, confirmed=True)
    store.save_session(session)
    seconds = time.perf_counter() - started
    if outcome.status == "ok":
        return DirectResult(
            "ok",
            name,
            outcome.arguments,
            data=outcome.data,
            user_id=session.user_id,
            seconds=seconds,
        )
    status: DirectStatus = "refused" if outcome.status == "refused" else "tool_error"
    return DirectResult(
        status,
        name,
        outcome.arguments,
        error=outcome.error,
        user_id=session.user_id,
        seconds=seconds,
    )
