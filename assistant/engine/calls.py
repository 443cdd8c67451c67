"""Running one tool call: parse, validate, check policy, execute, quote the result.

Nothing here raises into the dialogue loop: bad JSON, unknown tools, invalid arguments,
policy refusals and tool exceptions all become an error tool message the model can react
to, flagged so the turn's metrics count it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.engine.offer import breaks
from assistant.engine.policy import Policy
from assistant.identity.gate import IdentityGate
from assistant.llm.quoting import quote_tool_error, quote_tool_result, to_jsonable
from assistant.llm.types import CallRules
from assistant.store.errors import StoreUnavailableError
from assistant.store.models import SessionState, ToolCallRecord
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError, ToolRegistry
from assistant.tools.results import VerificationSent

log = logging.getLogger(__name__)

AWAITING_CONFIRMATION = (
    "not run yet: this change needs the shopper's explicit confirmation. They have been "
    "shown its summary; it runs only if they reply yes."
)
NOT_RUN_AFTER_PENDING = (
    "not run: an earlier change in the same message is waiting for the shopper's "
    "confirmation. Ask for one change at a time."
)

NOT_FROM_SOURCES = "not run: it does not keep to what this conversation allows"

Status = Literal["ok", "error", "refused", "pending"]
Completion = Callable[[str, dict[str, Any]], dict[str, Any]]
"""Fills in a call's arguments from the conversation: (tool name, arguments) → arguments."""


@dataclass
class CallOutcome:
    """The result of one tool call as the engine handled it."""

    name: str
    arguments: dict[str, Any]
    status: Status
    data: Any = None
    """The result as JSON data when `status == "ok"`."""
    result: Any = None
    """The typed result when `status == "ok"`."""
    error: str | None = None
    """The error or refusal text the model sees (without the `Error: ` prefix)."""
    seconds: float = 0.0
    pending: dict[str, Any] | None = field(default=None)
    """`{"name", "arguments"}` of a change waiting for confirmation."""

    @property
    def message(self) -> str:
        """The tool message content the model sees."""
        if self.status == "ok":
            return quote_tool_result(self.name, self.data)
        return quote_tool_error(self.error or "")

    def record(self) -> ToolCallRecord:
        """The call as the turn log keeps it (the log rebuilds the model's view from it)."""
        if self.status == "ok":
            return ToolCallRecord(name=self.name, arguments=self.arguments, result=self.data)
        return ToolCallRecord(
            name=self.name,
            arguments=self.arguments,
            result=self.error,
            error=self.status in ("error", "refused"),
            blocked=None if self.status == "error" else (self.error or self.status),
        )


def parse_arguments(raw: str | dict[str, Any]) -> dict[str, Any]:
    """The model's raw argument text as a dict; raises `ToolError` saying what is wrong."""
    if isinstance(raw, dict):
        return raw
    text = raw.strip() or "{}"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise ToolError(f"arguments are not valid JSON ({err.msg} at char {err.pos})") from err
    if not isinstance(value, dict):
        raise ToolError(f"arguments must be a JSON object, got {type(value).__name__}")
    return value


class ToolRunner:
    """Validates, checks and executes tool calls for one engine.

    Args:
        registry: The tools the model may call.
        policy: The store policy every call passes.
        make_context: Builds the `ToolContext` for a session.
        identity: How a found account signs the shopper in; None: at once (τ²'s rule).
    """

    def __init__(
        self,
        registry: ToolRegistry,
        policy: Policy,
        make_context: Callable[[SessionState], ToolContext],
        clock: Callable[[], float] = time.perf_counter,
        identity: IdentityGate | None = None,
    ) -> None:
        self.identity = identity
        self.registry = registry
        self.policy = policy
        self.make_context = make_context
        self.clock = clock

    def run(
        self,
        name: str,
        raw_arguments: str | dict[str, Any],
        session: SessionState,
        *,
        confirmed: bool = False,
        rules: CallRules | None = None,
        complete: Completion | None = None,
    ) -> CallOutcome:
        """Handle one call.

        Args:
            name: The tool.
            raw_arguments: Its arguments as the model wrote them.
            session: The conversation.
            confirmed: Only for the pending change the shopper said yes to.
            rules: What the model was allowed to call this round; a call outside them is
                refused (whatever the server's grammar did).
            complete: Fills in arguments from the conversation before the call runs.
        """
        start = self.clock()
        outcome = self._run(name, raw_arguments, session, confirmed, rules, complete)
        outcome.seconds = self.clock() - start
        return outcome

    def _run(
        self,
        name: str,
        raw: str | dict[str, Any],
        session: SessionState,
        confirmed: bool,
        rules: CallRules | None,
        complete: Completion | None,
    ) -> CallOutcome:
        try:
            arguments = parse_arguments(raw)
        except ToolError as err:
            return CallOutcome(name, {"_raw": str(raw)}, "error", error=str(err))
        try:
            tool = self.registry.get(name)
            validated = tool.validate(arguments)
            if rules is not None and (why := breaks(tool, arguments, rules)):
                clean = validated.model_dump(mode="json")
                return CallOutcome(name, clean, "refused", error=f"{NOT_FROM_SOURCES}: {why}")
            if complete is not None:
                validated = tool.validate(complete(name, validated.model_dump(mode="json")))
        except ToolError as err:
            return CallOutcome(name, arguments, "error", error=str(err))
        clean = validated.model_dump(mode="json")
        decision = self.policy.check_call(tool, clean, session, confirmed=confirmed)
        if not decision.allowed:
            return CallOutcome(name, clean, "refused", error=decision.reason)
        if decision.needs_confirmation:
            pending = {"name": name, "arguments": clean}
            return CallOutcome(name, clean, "pending", error=AWAITING_CONFIRMATION, pending=pending)
        try:
            result = tool.call(self.make_context(session), clean)
        except (ToolError, ValueError, LookupError) as err:
            return CallOutcome(name, clean, "error", error=str(err) or type(err).__name__)
        except StoreUnavailableError:
            raise  # not the call's fault: the turn cannot go on without the store
        except Exception as err:  # a tool bug must not end the conversation
            log.exception("tool %s failed", name)
            return CallOutcome(name, clean, "error", error=f"{type(err).__name__}: {err}")
        data = to_jsonable(result)
        if tool.identifies:
            identity = self.policy.check_identity(str(data), session)
            if not identity.allowed:
                return CallOutcome(name, clean, "refused", error=identity.reason)
            if self.identity is not None and not self.identity.lookups_sign_in:
                # `verify`: the account is only named; a code must come back first.
                told = VerificationSent(self.identity.start(session, str(data)))
                return CallOutcome(name, clean, "ok", data=told.root, result=told)
            self.policy.authenticate(session, str(data))
        return CallOutcome(name, clean, "ok", data=data, result=result)
