"""One dialogue between a user side and shopassist's dialogue engine, as τ²'s orchestrator
runs it: the agent greets, then user and agent take turns until the user sends a stop token,
the turn cap is reached, too many tool calls fail, or one side breaks down."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.engine import ErrorEvent, ToolResultEvent, TurnOutcome
from assistant.engine.calls import AWAITING_CONFIRMATION, NOT_RUN_AFTER_PENDING
from assistant.engine.dialogue import DialogueEngine
from evals.tau2.scoring import Call, Termination
from evals.tau2.users import GREETING, UserSide, UserSimulatorError

MAX_ERRORS = 10
"""Failed tool calls after which a dialogue is ended (τ²'s default `max_errors`)."""


@dataclass
class Dialogue:
    """What happened in one dialogue."""

    termination: Termination
    messages: list[dict[str, Any]] = field(default_factory=list)
    """`{"role": "assistant" | "user", "content", ...}` in order; agent turns carry their
    tool calls with each one's outcome."""
    calls: list[Call] = field(default_factory=list)
    user_turns: int = 0
    tool_errors: int = 0
    policy_refusals: int = 0
    error: str | None = None

    @property
    def agent_messages(self) -> list[str]:
        """Every text the agent sent, the greeting included (as in τ²'s trajectory)."""
        return [m["content"] for m in self.messages if m["role"] == "assistant"]


def _status(result: ToolResultEvent | None) -> str:
    """`ok`, `pending` (held for the user's yes), `not run`, `refused` or `failed`."""
    if result is None:
        return "not run"
    if result.ok:
        return "ok"
    if result.error == AWAITING_CONFIRMATION:
        return "pending"
    if result.error == NOT_RUN_AFTER_PENDING:
        return "not run"
    return "refused" if result.refused else "failed"


def _agent_message(outcome: TurnOutcome) -> dict[str, Any]:
    results = {r.call_id: r for r in outcome.tool_results}
    calls = []
    for call in outcome.tool_calls:
        result = results.get(call.call_id)
        entry: dict[str, Any] = {
            "name": call.name,
            "arguments": call.arguments,
            "status": _status(result),
        }
        if result is not None and result.error and entry["status"] != "pending":
            entry["error"] = result.error
        calls.append(entry)
    message: dict[str, Any] = {"role": "assistant", "content": outcome.reply, "tool_calls": calls}
    if outcome.pending_action is not None:
        message["pending"] = outcome.pending_action["name"]
    return message


def run_dialogue(
    engine: DialogueEngine,
    user: UserSide,
    session_id: str,
    *,
    max_turns: int,
    max_errors: int = MAX_ERRORS,
) -> Dialogue:
    """Run one dialogue to its end.

    Args:
        engine: The agent, on the trial's own store.
        user: The user side.
        session_id: The conversation id in the engine's store.
        max_turns: User messages after which the dialogue is cut off (`max_steps`).
        max_errors: Failed tool calls after which it is cut off (`too_many_errors`).
    """
    dialogue = Dialogue("max_steps", messages=[{"role": "assistant", "content": GREETING}])
    agent_text, last = GREETING, None
    for _ in range(max_turns):
        try:
            turn = user.reply(agent_text, last)
        except UserSimulatorError as err:
            dialogue.termination, dialogue.error = "user_error", str(err)
            return dialogue
        dialogue.messages.append({"role": "user", "content": turn.text})
        if turn.stop:
            dialogue.termination = "user_stop"
            return dialogue
        dialogue.user_turns += 1
        last = engine.respond(session_id, turn.text)
        dialogue.messages.append(_agent_message(last))
        dialogue.calls += [
            (c.name, c.arguments) for c in last.tool_calls if isinstance(c.arguments, dict)
        ]
        dialogue.tool_errors += last.tool_errors
        dialogue.policy_refusals += last.policy_refusals
        failure = next((e for e in last.events if isinstance(e, ErrorEvent)), None)
        if failure is not None:
            dialogue.termination, dialogue.error = "agent_error", failure.message
            return dialogue
        if dialogue.tool_errors >= max_errors:
            dialogue.termination = "too_many_errors"
            return dialogue
        agent_text = last.reply
    return dialogue
