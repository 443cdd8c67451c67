"""The dialogue engine: one shopper message in, tool rounds under policy, one verified reply out.

A turn: load the session (authenticated user, pending change) and its history from the
store; if a change was pending and the shopper said a plain yes, run exactly that change;
then call the model with the system prompt, history and tool schemas, handle its tool calls
(validate, check policy, execute, quote the result) for a bounded number of rounds, verify
the final reply's ids and prices against what the tools returned, and log the turn.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from assistant.engine.calls import NOT_RUN_AFTER_PENDING, CallOutcome, ToolRunner
from assistant.engine.choice import (
    ChoiceContext,
    ToolChoiceStrategy,
    auto_tool_choice,
    offered_tools,
)
from assistant.engine.completion import MODEL_LEAVES_OUT
from assistant.engine.gate import Gate
from assistant.engine.grounding import verify
from assistant.engine.history import evidence_from_turns, last_turns, messages_from_turns
from assistant.engine.offer import Offer
from assistant.engine.outcome import TurnOutcome
from assistant.engine.planned import planned_rounds
from assistant.engine.policy import Policy
from assistant.engine.requests import RequestDetector
from assistant.engine.shopper_events import turn_events
from assistant.identity.gate import IdentityGate
from assistant.llm.quoting import DATA_NOTE, defang
from assistant.llm.types import CallRules, ChatModel, ChatResult, Message, ToolCall, ToolChoice
from assistant.presentation import (
    NO_RESULTS_REPLY,
    ConfirmationNeededEvent,
    ErrorEvent,
    ReplyEvent,
    ToolCallEvent,
    ToolOutput,
    ToolResultEvent,
    TurnEvent,
    describe_action,
    render_fallback,
)
from assistant.store.errors import StoreUnavailableError
from assistant.store.models import (
    OrderItem,
    SessionState,
    ToolCallRecord,
    TurnRecord,
    User,
)
from assistant.tools.context import ToolContext, utc_now
from assistant.tools.registry import Tool, ToolKind, ToolRegistry

if TYPE_CHECKING:
    from assistant.store import Store

log = logging.getLogger(__name__)

MODEL_UNAVAILABLE = (
    "Sorry, the assistant's model is unavailable right now. Please try again in a moment."
)
UNDO_NOTE = "You can say “undo” to take that back."
_TOOL_CALL_TEXT = re.compile(r"<tool_call>.*?(</tool_call>|$)", re.DOTALL | re.IGNORECASE)


@lru_cache(maxsize=16)
def _schemas(tools: tuple[Tool, ...]) -> tuple[dict[str, Any], ...]:
    # Generating 20+ JSON schemas takes ~0.1 s; engines built per request reuse them.
    return tuple(tool.openai_schema() for tool in tools)


def default_system_prompt() -> str:
    """The system prompt shipped in `prompts/system.md`."""
    from prompts import read_prompt

    return read_prompt("system.md").strip()


def session_note(session: SessionState) -> str:
    """Trusted facts about the session, appended to the system prompt by the engine."""
    if session.user_id is None:
        return "Session: the shopper is not authenticated yet."
    return f"Session: the shopper is authenticated as user id {session.user_id}."


def clean_reply(text: str) -> str:
    """The model's text without tool-call markup it wrote instead of a real call.

    Such text is never executed (only parsed tool calls are) and never shown. A reply that
    parrots a quoted tool result block is dropped whole: the records are rendered instead.
    """
    text = _TOOL_CALL_TEXT.sub("", text or "").strip()
    if DATA_NOTE in text or "tool_result>" in text:
        return ""
    return text


class _Turn:
    """Mutable bookkeeping of one turn in progress."""

    def __init__(self, session_id: str, text: str, started: float) -> None:
        self.outcome = TurnOutcome(session_id=session_id, reply="")
        self.text = text
        self.started = started
        self.records: list[ToolCallRecord] = []
        self.outputs: list[ToolOutput] = []
        self.called: list[str] = []
        self.llm_seconds = 0.0
        self.tool_seconds = 0.0
        self.offer: Offer | None = None
        self.rules: CallRules | None = None

    def emit(self, event: TurnEvent) -> TurnEvent:
        self.outcome.events.append(event)
        return event


class DialogueEngine:
    """Drives one conversation turn at a time, with policy and grounding enforced in code.

    Args:
        model: The chat model (the vLLM client, or `ScriptedModel` in tests).
        store: The SQL store: sessions, turn log, and the data tools read and change.
        registry: The tools the model may call; `assistant.tools.default_registry()` if None.
        catalog: Product search index handed to tools as `ctx.catalog`.
        faq: FAQ passage index handed to tools as `ctx.faq`.
        personal: The personal ranker handed to tools as `ctx.personal`.
        copywriter: The copy desk handed to tools as `ctx.copywriter` (the merchant's
            assistant; shoppers have none).
        identity: How shoppers sign in (`assistant.identity`); None: τ²'s lookup rule.
        system_prompt: Replaces `prompts/system.md`.
        max_tool_rounds: Model calls per turn that may ask for tools.
        tool_choice: Strategy choosing `tool_choice` for each model call.
        history_turns: Past shopper turns included in the prompt (at most).
        history_chars: Character budget of the history in the prompt; older turns beyond it
            are left out (the tool schemas and system prompt take their own share of the
            model's context).
        hold_arguments: Hold ids to the records the conversation has shown, where they
            belong (`shown`), and the values a shopper gives to the shopper's words
            (`sources`), in the rules of every model call and in the check of every call.
        requests: Detects what the shopper asks for, which decides the tools offered each
            turn (`offer`); None offers every tool.
        now: Clock handed to tools.
        clock: Monotonic timer for the turn's timings.
    """

    def __init__(
        self,
        model: ChatModel,
        store: Store,
        registry: ToolRegistry | None = None,
        *,
        catalog: Any | None = None,
        faq: Any | None = None,
        personal: Any | None = None,
        copywriter: Any | None = None,
        identity: IdentityGate | None = None,
        system_prompt: str | None = None,
        max_tool_rounds: int = 4,
        tool_choice: ToolChoiceStrategy = auto_tool_choice,
        history_turns: int = 6,
        history_chars: int = 12_000,
        hold_arguments: bool = True,
        requests: RequestDetector | None = None,
        now: Callable[[], datetime] = utc_now,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if registry is None:
            from assistant.tools import default_registry

            registry = default_registry()
        self.model = model
        self.store = store
        self.registry = registry
        self.catalog = catalog
        self.faq = faq
        self.personal = personal
        self.copywriter = copywriter
        self.system_prompt = system_prompt if system_prompt is not None else default_system_prompt()
        self.identity = identity
        self.policy = Policy(
            self._order_owner,
            max_tool_rounds=max_tool_rounds,
            lookups_allowed=identity is None or identity.mode != "storefront",
        )
        self.tool_choice = tool_choice
        self.history_turns = history_turns
        self.history_chars = history_chars
        self.gate = Gate(registry, requests, catalog, faq, hold_arguments=hold_arguments)
        self.now = now
        self.clock = clock
        self.tools = list(_schemas(tuple(registry)))
        self.runner = ToolRunner(registry, self.policy, self._context, clock, identity)

    def _order_owner(self, order_id: str) -> str | None:
        order = self.store.order(order_id)
        return None if order is None else order.user_id

    def _context(self, session: SessionState) -> ToolContext:
        return ToolContext(
            store=self.store,
            session=session,
            catalog=self.catalog,
            faq=self.faq,
            personal=self.personal,
            copywriter=self.copywriter,
            now=self.now,
        )

    def respond(self, session_id: str, text: str) -> TurnOutcome:
        """Run one turn to the end and return its outcome (reply, events, counters)."""
        turn = _Turn(session_id, text, self.clock())
        for _ in self._run(turn):
            pass
        return turn.outcome

    def run_turn(self, session_id: str, text: str) -> Iterator[TurnEvent]:
        """Run one turn, yielding its events as they happen; the last one is the reply.

        Args:
            session_id: The conversation (created on first use).
            text: The shopper's message.
        """
        yield from self._run(_Turn(session_id, text, self.clock()))

    def _run(self, turn: _Turn) -> Iterator[TurnEvent]:
        session_id = turn.outcome.session_id
        session = self.store.load_session(session_id) or SessionState(session_id)
        past = self._past_turns(session_id)
        checked = self.identity.check(session, turn.text) if self.identity else None
        if checked is not None:  # a one-time code given back: answered here, never sent on
            reply = ReplyEvent(checked, source="rendered")
            self._finish(turn, session, reply)
            yield turn.emit(reply)
            return
        try:
            reply = yield from self._body(turn, session, past)
        except GeneratorExit:
            # The caller stopped listening mid-turn: still record what ran.
            self._finish(turn, session, ReplyEvent("", source="rendered"))
            raise
        # Logged before it is shown: a caller that stops at the reply loses nothing.
        self._finish(turn, session, reply)
        yield turn.emit(reply)

    def _body(
        self, turn: _Turn, session: SessionState, past: list[TurnRecord]
    ) -> Generator[TurnEvent, None, ReplyEvent]:
        """The turn up to its verified reply (returned, not yet emitted)."""
        history = messages_from_turns(past)
        history.append({"role": "user", "content": defang(turn.text)})
        pending, session.pending_action = session.pending_action, None
        if pending is not None:
            # Cleared in the store before it runs: a turn arriving meanwhile finds nothing.
            self.store.save_session(session)
        try:
            turn.offer = self.gate.offer(turn.text, past, session)
            verdict = None
            if pending is not None:
                user = self.store.user(session.user_id) if session.user_id else None
                verdict = self.gate.confirmation(
                    pending,
                    turn.text,
                    self._ordered(pending),
                    self.store.order_id_pattern(),
                    list(user.payment_methods.values()) if user is not None else [],
                    self._elsewhere(pending, user),
                )
            if pending is not None and verdict is not None and verdict.action == "ask_again":
                # A yes to something else than the summary: nothing runs, the change waits.
                session.pending_action = pending
                return ReplyEvent(verdict.message, source="confirmation")
            if pending is not None and verdict is not None and verdict.action == "run":
                yield from self._confirmed(turn, session, history, pending)
                # The yes answered the flow before it: only what it asks for itself is open.
                turn.offer = self.gate.offer(turn.text, [], session)
            if self.gate.detector is not None:
                reply = yield from planned_rounds(self, turn, session, history, pending is not None)
            else:
                reply = yield from self._rounds(turn, session, history)
        except StoreUnavailableError:
            raise  # nothing can be kept or shown without the store: the adapter says so
        except Exception as err:  # the model server failing must not lose the session
            log.exception("turn failed in session %s", session.session_id)
            yield turn.emit(ErrorEvent(f"{type(err).__name__}: {err}"))
            # What already ran (a confirmed change, say) is still reported to the shopper.
            text = render_fallback(turn.outputs) if turn.outputs else MODEL_UNAVAILABLE
            reply = ReplyEvent(text, source="rendered")
        if reply.source == "model":
            reply = self._verified(turn, reply, past)
        elif not reply.text:
            reply = ReplyEvent(render_fallback(turn.outputs), source="rendered")
        return self._with_undo(turn, reply)

    def _with_undo(self, turn: _Turn, reply: ReplyEvent) -> ReplyEvent:
        """The reply, offering an undo when the turn made a change that can be undone."""
        reversible = any(
            o.name in self.registry and self.registry.get(o.name).kind is ToolKind.REVERSIBLE
            for o in turn.outputs
        )
        if not reversible or UNDO_NOTE in reply.text:
            return reply
        return replace(reply, text=f"{reply.text}\n\n{UNDO_NOTE}")

    def _ordered(self, pending: dict[str, Any]) -> list[OrderItem]:
        """The items of the order a pending change is about (none for other changes)."""
        order_id = pending["arguments"].get("order_id")
        order = self.store.order(str(order_id)) if order_id else None
        return list(order.items) if order is not None else []

    def _elsewhere(self, pending: dict[str, Any], user: User | None) -> list[OrderItem]:
        """The items of the signed-in shopper's orders other than the pending change's."""
        here = pending["arguments"].get("order_id")
        others = [self.store.order(o) for o in (user.orders if user else []) if o != here]
        return [item for order in others if order is not None for item in order.items]

    def _past_turns(self, session_id: str) -> list[TurnRecord]:
        """This session's logged turns, none from before it was (re)created.

        Turn logs outlive a deleted session for auditing; a new session that reuses the id
        must not inherit that history or its tool results as grounding evidence.
        """
        times = self.store.session_times(session_id)
        if times is None:
            return []
        created = times[0]
        return [t for t in self.store.turns(session_id) if t.created_at and t.created_at >= created]

    def _confirmed(
        self,
        turn: _Turn,
        session: SessionState,
        history: list[Message],
        pending: dict[str, Any],
    ) -> Iterator[TurnEvent]:
        """Run exactly the change the shopper has just confirmed."""
        call_id = f"confirmed_{len(history)}"
        name, arguments = pending["name"], dict(pending["arguments"])
        yield turn.emit(ToolCallEvent(call_id, name, arguments))
        result = self.runner.run(name, arguments, session, confirmed=True)
        yield from self._record(turn, call_id, result, history, confirmed=True)

    def _rounds(
        self, turn: _Turn, session: SessionState, history: list[Message]
    ) -> Generator[TurnEvent, None, ReplyEvent]:
        """Model calls and tool rounds until a text reply, a pending change or the cap."""
        rounds = 0
        while True:
            capped = rounds >= self.policy.max_tool_rounds
            context = ChoiceContext(rounds, turn.text, session, tuple(turn.called))
            choice: ToolChoice = "none" if capped else self.tool_choice(context)
            messages = self.prompt(session, history)
            assert turn.offer is not None  # set before the first model call of the turn
            turn.rules = self.gate.rules(turn.offer, messages)
            result = self.complete_chat(turn, messages, offered_tools(self.tools, choice), choice)
            if not result.tool_calls:
                return ReplyEvent(self.text_of(result), source="model")
            if capped:
                # The model still wants tools after the cap: its calls are not run.
                turn.outcome.round_cap_hit = True
                return ReplyEvent("", source="rendered")
            rounds += 1
            turn.outcome.rounds = rounds
            waiting = yield from self.run_calls(
                turn, session, history, result.tool_calls, turn.rules, self.text_of(result)
            )
            if waiting is not None:
                return waiting

    def run_calls(
        self,
        turn: _Turn,
        session: SessionState,
        history: list[Message],
        calls: Sequence[ToolCall],
        rules: CallRules | None,
        text: str = "",
    ) -> Generator[TurnEvent, None, ReplyEvent | None]:
        """Run one round of calls (as one assistant message); the confirmation reply when a
        change now waits for the shopper's yes, else None.

        Args:
            turn: The turn in progress.
            session: The conversation.
            history: The messages so far; the calls and their results are appended.
            calls: The calls, as the model (or the engine) made them.
            rules: What the calls must keep to; None for calls the engine made itself.
            text: Text the model wrote beside its calls.
        """
        history.append(
            {
                "role": "assistant",
                "content": text,
                "tool_calls": [c.as_message_part() for c in calls],
            }
        )
        waiting: CallOutcome | None = None
        for call in calls:
            shown = _shown_args(call.arguments)
            yield turn.emit(ToolCallEvent(call.id, call.name, shown))
            if waiting is not None:
                args = shown if isinstance(shown, dict) else {"_raw": shown}
                outcome = CallOutcome(call.name, args, "refused", error=NOT_RUN_AFTER_PENDING)
            else:
                outcome = self.runner.run(
                    call.name,
                    call.arguments,
                    session,
                    rules=rules,
                    complete=lambda name, args: self.gate.complete(name, args, turn.text, history),
                )
            if outcome.status == "pending" and waiting is None:
                waiting = outcome
            yield from self._record(turn, call.id, outcome, history)
        if waiting is None or waiting.pending is None:
            return None
        session.pending_action = waiting.pending
        summary = describe_action(waiting.name, waiting.arguments)
        turn.outcome.pending_action = waiting.pending
        yield turn.emit(ConfirmationNeededEvent(waiting.name, waiting.arguments, summary))
        return ReplyEvent(summary, source="confirmation")

    def prompt(self, session: SessionState, history: list[Message]) -> list[Message]:
        """The messages the model is shown: the system prompt with the session facts, then
        the history that fits."""
        system = f"{self.system_prompt}\n\n{session_note(session)}"
        return [
            {"role": "system", "content": system},
            *last_turns(history, self.history_turns + 1, self.history_chars),
        ]

    def complete_chat(
        self,
        turn: _Turn,
        messages: list[Message],
        tools: list[dict[str, Any]] | None,
        choice: ToolChoice,
    ) -> ChatResult:
        """One model call, timed and counted in the turn."""
        start = self.clock()
        result = self.model.chat(messages, tools=tools, tool_choice=choice, rules=turn.rules)
        turn.llm_seconds += self.clock() - start
        turn.outcome.prompt_tokens += result.prompt_tokens
        turn.outcome.completion_tokens += result.completion_tokens
        return result

    @staticmethod
    def text_of(result: ChatResult) -> str:
        """The model's reply text, without tool-call markup it wrote instead of a call."""
        return clean_reply(result.content)

    def _record(
        self,
        turn: _Turn,
        call_id: str,
        outcome: CallOutcome,
        history: list[Message],
        *,
        confirmed: bool = False,
    ) -> Iterator[TurnEvent]:
        """Append a call's result to the history, the log and the turn's counters."""
        if confirmed:
            # The confirmed change was not asked for by a model message this turn: add one,
            # so the model sees which call produced the result.
            call = {"name": outcome.name, "arguments": json.dumps(outcome.arguments)}
            history.append(
                {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [{"id": call_id, "type": "function", "function": call}],
                }
            )
        if outcome.status == "ok" and outcome.name in MODEL_LEAVES_OUT:
            _record_completed(history, call_id, outcome.arguments)
        history.append({"role": "tool", "tool_call_id": call_id, "content": outcome.message})
        turn.records.append(outcome.record())
        turn.called.append(outcome.name)
        turn.tool_seconds += outcome.seconds
        if outcome.status == "ok":
            turn.outputs.append(ToolOutput(outcome.name, outcome.arguments, outcome.result))
        elif outcome.status == "error":
            turn.outcome.tool_errors += 1
        elif outcome.status == "refused":
            turn.outcome.policy_refusals += 1
        yield turn.emit(
            ToolResultEvent(
                call_id=call_id,
                name=outcome.name,
                status=outcome.status,
                data=outcome.data,
                result=outcome.result,
                shown=outcome.name in self.registry and self.registry.get(outcome.name).shows,
                error=outcome.error if outcome.status != "ok" else None,
                arguments=outcome.arguments,
                seconds=outcome.seconds,
            )
        )

    def _verified(self, turn: _Turn, reply: ReplyEvent, past: list[TurnRecord]) -> ReplyEvent:
        """The reply to show: the model's text if grounded, else a rendering of the results."""
        if not reply.text:
            text = render_fallback(turn.outputs) if turn.outputs else NO_RESULTS_REPLY
            return ReplyEvent(text, source="rendered")
        evidence = evidence_from_turns(past, self.registry, self.store.order_id_pattern())
        evidence.add_text(turn.text)
        for output in turn.outputs:
            evidence.add_result(output.result)
        report = verify(reply.text, evidence)
        if report.grounded:
            return reply
        turn.outcome.grounding_failed = True
        return ReplyEvent(
            render_fallback(turn.outputs),
            source="rendered",
            grounding_failed=True,
            unsupported=report.unsupported,
        )

    def _finish(self, turn: _Turn, session: SessionState, reply: ReplyEvent) -> None:
        """Save the session, log the turn and record what the shopper was shown."""
        outcome = turn.outcome
        outcome.reply = reply.text
        outcome.pending_action = session.pending_action
        outcome.seconds = self.clock() - turn.started
        self.store.save_session(session)
        self.store.log_turn(
            TurnRecord(
                session_id=outcome.session_id,
                user_message=turn.text,
                reply=reply.text,
                tool_calls=turn.records,
                timings={
                    "llm": round(turn.llm_seconds, 6),
                    "tools": round(turn.tool_seconds, 6),
                    "total": round(outcome.seconds, 6),
                },
                prompt_tokens=outcome.prompt_tokens,
                completion_tokens=outcome.completion_tokens,
                grounding_failed=outcome.grounding_failed,
            )
        )
        try:
            earlier = partial(self.store.events, session.session_id)
            self.store.record_events(turn_events(turn.outputs, session, earlier))
        except Exception:  # the click-through log must not cost the shopper the turn
            log.exception("shopper events of session %s not recorded", session.session_id)


def _shown_args(raw: str) -> dict[str, Any] | str:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return raw
    return value if isinstance(value, dict) else raw


def _record_completed(history: list[Message], call_id: str, arguments: Any) -> None:
    """Keep the arguments a call ran with (a search's filters completed from the shopper's
    words) in its message, so a later refinement starts from what was searched."""
    for message in reversed(history):
        for part in message.get("tool_calls") or []:
            if part.get("id") == call_id:
                part["function"]["arguments"] = json.dumps(arguments)
                return
