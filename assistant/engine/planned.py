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
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.engine.completion import MODEL_LEAVES_OUT
from assistant.engine.facts import facts_of
from assistant.engine.offer import change_kinds
from assistant.engine.planner import Situation, Step, next_step
from assistant.engine.shown import shown_ids
from assistant.engine.sources import own_words, shopper_texts
from assistant.llm.tool_format import held_tool
from assistant.llm.types import Message, ToolCall
from assistant.presentation import ReplyEvent, TurnEvent
from assistant.presentation.replies import planned_reply
from assistant.store.models import SessionState
from assistant.tools.registry import ToolKind
from assistant.tools.results import FaqAnswer

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
    leave_out: frozenset[str] = frozenset(),
) -> Situation:
    """What the planner decides the next step from (`leave_out`: request kinds not to answer
    in this step)."""
    assert turn.offer is not None
    typed = "\n".join(shopper_texts(messages))
    return Situation(
        kinds=tuple(k for k in turn.offer.ordered if k not in leave_out),
        text=own_words(turn.text),
        said=typed.lower(),
        typed=typed,
        session=session,
        facts=facts_of(messages, engine.registry),
        shown=shown_ids(messages, engine.registry, engine.gate.catalog_ids()),
        pending=pending,
        kinds_named=engine.gate.kinds_named(turn.text),
        names_an_option=engine.gate.names_an_option(turn.text),
        questions=engine.gate.questions(turn.text) if "faq" in turn.offer.requests else (),
        catalog_ids=engine.gate.catalog_ids(),
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
    """The planned turn up to its reply (returned, not yet emitted).

    Once a change waits for the shopper's yes, the turn still answers the questions asked
    beside it (a policy, a balance), and the reply ends with the change's summary.
    """
    model_calls = 0
    made_calls: set[tuple[str, str]] = set()
    waiting: ReplyEvent | None = None
    answered_from = 0
    changes = change_kinds(engine.registry)
    for n in range(MAX_STEPS):
        messages = engine.prompt(session, history)
        leave_out = changes if waiting is not None else frozenset()
        step: Step | None = next_step(
            situation(engine, turn, session, messages, pending, leave_out),
            engine.registry.names(),
        )
        if step is None:
            break
        if waiting is not None and (step.reply is not None or _is_change(engine, step)):
            break
        if step.reply is not None:
            # The questions answered beside ("also, do you ship to PO boxes?") stay answered.
            beside = [o for o in turn.outputs if isinstance(o.result, FaqAnswer)]
            text = f"{step.reply}\n\n{planned_reply(beside)}" if beside else step.reply
            return ReplyEvent(text, source="rendered")
        assert step.tool is not None
        if step.arguments is not None:
            call = ToolCall(f"engine_{n}", step.tool, json.dumps(step.arguments))
            if (call.name, call.arguments) in made_calls:
                break  # the records did not change after it: asking again cannot help
            made_calls.add((call.name, call.arguments))
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
            waiting, answered_from = outcome, len(turn.outputs)
    if waiting is not None:
        answers = turn.outputs[answered_from:]
        if not answers:
            return waiting
        return replace(waiting, text=f"{planned_reply(answers)}\n\n{waiting.text}")
    if turn.outputs:
        return ReplyEvent(planned_reply(turn.outputs), source="rendered")
    result = engine.complete_chat(turn, engine.prompt(session, history), None, "none")
    return ReplyEvent(engine.text_of(result), source="model")


def _is_change(engine: DialogueEngine, step: Step) -> bool:
    tool = step.tool
    return (
        tool is not None
        and tool in engine.registry
        and engine.registry.get(tool).kind is ToolKind.CHANGE
    )
