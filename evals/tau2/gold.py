"""Gold replay through the dialogue engine: τ²'s gold actions as an agent, a user who says yes.

`GoldAgent` is a `ChatModel` that asks for the task's gold actions one per model call, so
each runs through the engine's own path: argument validation, the store policy, a write
held as a pending change until the user's explicit yes. Once the actions are used up it
replies with the facts the task requires the agent to communicate. `GoldUser` opens the
dialogue, confirms every pending change, asks the agent to go on when a turn ends early
(the engine's cap on tool rounds per turn) and stops once the agent has closed.

τ² lists only the actions that matter for the final state, and many tasks do not include
the identity lookup the store policy needs before any order can be touched: the plan then
starts with a lookup by the email of the shopper the actions concern. Lookups are reads,
so the expected final state is unchanged.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Mapping
from typing import Any

from assistant.engine.outcome import TurnOutcome
from assistant.llm.types import CallRules, ChatResult, Message, ToolCall, ToolChoice
from assistant.tools import default_registry
from evals.tau2.tasks import Task
from evals.tau2.users import STOP, UserTurn

PlannedCall = tuple[str, dict[str, Any]]

OPENING = "Hello, I need some help with my account and orders."
GO_ON = "Please go on."
CONFIRM = "yes"
HOLD_ON = "One moment, I am still working on your request."
NOTHING_TO_REPORT = "Your request is complete. Is there anything else I can help with?"


def subject_user(task: Task, initial: Mapping[str, Any]) -> str | None:
    """The shopper the task's actions concern: the first user id or order owner named."""
    orders = initial.get("orders", {})
    for action in task.gold_actions:
        user_id = action.arguments.get("user_id")
        if isinstance(user_id, str):
            return user_id
        order = orders.get(action.arguments.get("order_id"))
        if order is not None:
            return str(order["user_id"])
    return None


def _names_subject(arguments: Mapping[str, Any]) -> bool:
    return "user_id" in arguments or "order_id" in arguments


def gold_plan(task: Task, initial: Mapping[str, Any]) -> list[PlannedCall]:
    """The calls the gold agent makes: the gold actions, after a sign-in when they lack one.

    A sign-in is added when an action naming a user or an order comes before any identity
    lookup; it looks the shopper up by the email in the initial world.
    """
    calls = [(a.name, dict(a.arguments)) for a in task.gold_actions]
    identifies = {t.name for t in default_registry() if t.identifies}
    first_lookup = next((n for n, (name, _) in enumerate(calls) if name in identifies), None)
    first_subject = next((n for n, (_, args) in enumerate(calls) if _names_subject(args)), None)
    needs_sign_in = first_subject is not None and (
        first_lookup is None or first_lookup > first_subject
    )
    user_id = subject_user(task, initial) if needs_sign_in else None
    if user_id is None:
        return calls
    email = initial["users"][user_id]["email"]
    return [("find_user_id_by_email", {"email": email}), *calls]


def closing_message(task: Task) -> str:
    """The agent's last message: the facts the task requires it to communicate."""
    facts = task.required_outputs
    if not facts:
        return NOTHING_TO_REPORT
    return "Here is what you asked about: " + "; ".join(facts) + "."


class GoldAgent:
    """A `ChatModel` that asks for planned tool calls one at a time, then closes.

    Args:
        plan: The calls, in order.
        closing: The text reply once every call has been asked for.
    """

    def __init__(self, plan: list[PlannedCall], closing: str) -> None:
        self._plan = deque(plan)
        self.closing = closing
        self.done = False
        """True once the closing reply has been given."""
        self._ids = itertools.count(1)

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: ToolChoice = "auto",
        rules: CallRules | None = None,
    ) -> ChatResult:
        """The next planned call, a holding reply when no tool may be called, or the close."""
        if not self._plan:
            self.done = True
            return ChatResult(content=self.closing, finish_reason="stop")
        if tool_choice == "none" or not tools:
            return ChatResult(content=HOLD_ON, finish_reason="stop")
        name, arguments = self._plan.popleft()
        call = ToolCall(id=f"gold_{next(self._ids)}", name=name, arguments=json.dumps(arguments))
        return ChatResult(tool_calls=[call], finish_reason="tool_calls")


class GoldUser:
    """Opens, confirms every pending change, asks the agent to go on, stops after the close.

    Args:
        agent: The gold agent of the same dialogue.
    """

    def __init__(self, agent: GoldAgent) -> None:
        self.agent = agent

    def reply(self, agent_message: str, turn: TurnOutcome | None) -> UserTurn:
        """The next user message."""
        if turn is None:
            return UserTurn(OPENING)
        if turn.pending_action is not None:
            return UserTurn(CONFIRM)
        if self.agent.done:
            return UserTurn(STOP)
        return UserTurn(GO_ON)
