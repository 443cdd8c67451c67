"""A turn driven by the planner: the engine picks each tool, the model fills in words.

Each step is the planner's (`planner.next_step`): a call whose arguments the records decide
runs directly; a call that needs the shopper's words read goes to the model as the one tool
it must call (named `tool_choice`), its arguments held to their sources in the schema; a
question or refusal the engine writes ends the turn. Once every request is answered, the
reply leads into the records (`presentation.replies`); with no record, the model writes it.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING

from assistant.engine.completion import MODEL_LEAVES_OUT
from assistant.engine.facts import facts_of
from assistant.engine.planner import Situation, Step, next_step
from assistant.engine.shown import shown_ids
from assistant.engine.sources import own_words, shopper_texts
from assistant.llm.tool_format import held_tool
from assistant.llm.types import Message, ToolCall
from assistant.presentation import ReplyEvent, TurnEvent
from assistant.presentation.replies import planned_reply
from assistant.store.models import SessionState

if TYPE_CHECKING:
    from assistant.engine.dialogue import DialogueEngine, _Turn

MAX_STEPS = 12
"""Tool calls one planned turn may make (the model's calls count against the round cap too)."""


def situation(
    engine: DialogueEngine,
    turn: _Turn,
    session: SessionState,
    messages: Sequence[Message],
    pending: bool,
) -> Situation:
    """What the planner decides the next step from."""
    assert turn.offer is not None
    typed = "\n".join(shopper_texts(messages))
    return Situation(
        kinds=turn.offer.ordered,
        text=own_words(turn.text),
        said=typed.lower(),
        typed=typed,
        session=session,
        facts=facts_of(messages, engine.registry),
        shown=shown_ids(messages, engine.registry),
        pending=pending,
        kinds_named=engine.gate.kinds_named(turn.text),
        names_an_option=engine.gate.names_an_option(turn.text),
    )


def _model_call(
    engine: DialogueEngine, turn: _Turn, session: SessionState, history: list[Message], tool: str
) -> ToolCall | None:
    """The model's call of `tool`, its arguments held; None if it cannot or did not call."""
    messages = engine.prompt(session, history)
    assert turn.offer is not None
    turn.rules = engine.gate.rules(turn.offer, messages)
    schema = next(s for s in engine.tools if s["function"]["name"] == tool)
    held = held_tool(schema, turn.rules.holds, drop=MODEL_LEAVES_OUT.get(tool, ()))
    if held is None:
        return None
    choice = {"type": "function", "function": {"name": tool}}
    result = engine.complete_chat(turn, messages, [held], choice)
    return next((c for c in result.tool_calls if c.name == tool), None)


def planned_rounds(
    engine: DialogueEngine,
    turn: _Turn,
    session: SessionState,
    history: list[Message],
    pending: bool,
) -> Generator[TurnEvent, None, ReplyEvent]:
    """The planned turn up to its reply (returned, not yet emitted)."""
    model_calls = 0
    for n in range(MAX_STEPS):
        messages = engine.prompt(session, history)
        step: Step | None = next_step(
            situation(engine, turn, session, messages, pending), engine.registry.names()
        )
        if step is None:
            break
        if step.reply is not None:
            return ReplyEvent(step.reply, source="rendered")
        assert step.tool is not None
        if step.arguments is not None:
            call = ToolCall(f"engine_{n}", step.tool, json.dumps(step.arguments))
        else:
            if model_calls >= engine.policy.max_tool_rounds:
                turn.outcome.round_cap_hit = True
                break
            model_calls += 1
            made = _model_call(engine, turn, session, history, step.tool)
            if made is None:
                break
            call = made
        turn.outcome.rounds += 1
        outcome = yield from engine.run_calls(turn, session, history, [call], rules=None)
        if outcome is not None:
            return outcome
    if turn.outputs:
        return ReplyEvent(planned_reply(turn.outputs), source="rendered")
    result = engine.complete_chat(turn, engine.prompt(session, history), None, "none")
    return ReplyEvent(engine.text_of(result), source="model")
