"""Running the dialogues through the real engine against an OpenAI-compatible endpoint.

Every trial of every dialogue gets a fresh copy of its store (a SQLite file copied from a
template built from the demo data), its own session and its own engine over its demo store's
search indexes (`stores`: τ²'s are the configured data dir's, Bean & Leaf's are loaded into
the run's work folder); trials run a few at a time, so a vLLM server batches them.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.copy.desk import CopyDesk
from assistant.engine import DialogueEngine, ToolCallEvent, ToolResultEvent, TurnOutcome
from assistant.llm.types import ChatModel
from assistant.presentation.turns import final_reply, reply_text
from assistant.services import Services, make_engine
from assistant.settings import Settings
from assistant.store import Store
from assistant.store.models import SessionState
from assistant.tools import merchant_registry
from assistant.tools.registry import ToolKind
from evals.dialogues.checks import Call, state_problems, turn_problems, wrong_writes
from evals.dialogues.invented import Transcript, inventions
from evals.dialogues.model import Dialogue
from evals.dialogues.results import (
    CallRecord,
    DialogueResult,
    EvalRun,
    InventionRecord,
    TurnResult,
)
from evals.dialogues.stores import StoreWorld, open_world

Progress = Callable[[DialogueResult], None]


@dataclass
class Bench:
    """What every trial shares: the model, the tools, and each demo store's template and
    indexes (`StoreWorld`, built on first use)."""

    settings: Settings
    model: ChatModel
    services: Services
    """The configured data dir's services (the τ² store's indexes, the tool registry)."""
    workdir: Path
    worlds: dict[str, StoreWorld] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def world(self, store_name: str) -> StoreWorld:
        """The demo store's template and indexes (built on first use, once)."""
        with self._lock:
            if store_name not in self.worlds:
                self.worlds[store_name] = open_world(
                    store_name, self.settings, self.workdir, self.services
                )
            return self.worlds[store_name]

    def template(self, store_name: str) -> tuple[Path, dict[str, Any]]:
        """The template file and initial state of a demo store."""
        world = self.world(store_name)
        return world.template, world.initial

    @contextmanager
    def fresh_store(self, store_name: str, name: str) -> Iterator[Store]:
        """A copy of the store's template for one trial, closed and removed afterwards."""
        template, _ = self.template(store_name)
        path = self.workdir / f"{name}.sqlite"
        shutil.copyfile(template, path)
        store = Store(f"sqlite:///{path}")
        try:
            yield store
        finally:
            store.close()
            path.unlink(missing_ok=True)

    def engine(self, store_name: str, store: Store, merchant: bool = False) -> DialogueEngine:
        """An engine over `store` and the indexes, request detector and personal ranker of
        demo store `store_name`, configured as the product configures its own: the
        merchant's assistant (with product copy) for a merchant's dialogue."""
        own = self.world(store_name).services
        catalog, faq = own.indexes
        desk = CopyDesk(self.model, catalog, store) if merchant else None
        return make_engine(
            self.settings,
            self.model,
            store,
            merchant_registry() if merchant else self.services.registry,
            catalog,
            faq,
            own.requests,
            own.personal,
            desk,
        )

    def prepare(self, store_names: Iterable[str]) -> None:
        """Build the worlds and fit their request detectors and rankers (before threads)."""
        for name in sorted(set(store_names)):
            own = self.world(name).services
            if own.requests is not None:
                own.requests.model()
            own.personal  # noqa: B018

    @property
    def changes(self) -> frozenset[str]:
        """Tools that change the store."""
        return frozenset(t.name for t in self.services.registry if t.kind is not ToolKind.READ)


def _calls(outcome: TurnOutcome, transcript: Transcript) -> tuple[list[Call], list[Any]]:
    """The turn's calls as they ended, and the inventions among their arguments."""
    raw = {e.call_id: e for e in outcome.events if isinstance(e, ToolCallEvent)}
    calls, invented = [], []
    for event in outcome.events:
        if not isinstance(event, ToolResultEvent):
            continue
        arguments = event.arguments
        if arguments is None:
            sent = raw[event.call_id].arguments if event.call_id in raw else {}
            arguments = sent if isinstance(sent, dict) else {}
        invented += inventions(event.name, arguments, transcript)
        calls.append(Call(event.name, event.status, arguments, event.error))
        if event.ok:
            transcript.add_result(event.data)
    return calls, invented


def run_turn(
    bench: Bench,
    engine: DialogueEngine,
    session_id: str,
    dialogue: Dialogue,
    index: int,
    transcript: Transcript,
) -> TurnResult:
    """Send one shopper message and judge what came back."""
    turn = dialogue.turns[index]
    transcript.shopper.append(turn.user)
    outcome = engine.respond(session_id, turn.user)
    calls, invented = _calls(outcome, transcript)
    reply = reply_text(outcome.events)
    transcript.shown.append(reply)
    reply_event = final_reply(outcome.events)
    session = engine.store.load_session(session_id)
    pending = session.pending_action["name"] if session and session.pending_action else None
    return TurnResult(
        index=index,
        user=turn.user,
        reply=reply,
        source=reply_event.source if reply_event else "rendered",
        calls=[CallRecord(**asdict(c)) for c in calls],
        pending=pending,
        problems=turn_problems(turn.expect, calls, pending, reply),
        wrong_writes=[c.name for c in wrong_writes(turn.expect, calls, bench.changes)],
        inventions=[InventionRecord(**asdict(i)) for i in invented],
        grounding_failed=outcome.grounding_failed,
        policy_refusals=outcome.policy_refusals,
        tool_errors=outcome.tool_errors,
        seconds=round(outcome.seconds, 3),
        prompt_tokens=outcome.prompt_tokens,
        completion_tokens=outcome.completion_tokens,
    )


def run_dialogue(bench: Bench, dialogue: Dialogue, trial: int) -> DialogueResult:
    """One trial of one dialogue on a fresh store."""
    result = DialogueResult(
        id=dialogue.id,
        category=dialogue.category,
        split=dialogue.split,
        store=dialogue.store,
        tags=list(dialogue.tags),
        trial=trial,
    )
    session_id = f"eval-{dialogue.id}-{trial}"
    with bench.fresh_store(dialogue.store, session_id) as store:
        if dialogue.shopper is not None:
            store.save_session(SessionState(session_id, user_id=dialogue.shopper))
        engine = bench.engine(dialogue.store, store, merchant=dialogue.role == "merchant")
        # The storefront's signed-in shopper is a fact of the session, as the engine shows it.
        catalog, _ = bench.world(dialogue.store).services.indexes
        transcript = Transcript(
            shown=[dialogue.shopper] if dialogue.shopper else [],
            product_of={i: product for i, (_, product) in catalog.vocabulary.ids.items()},
        )
        try:
            for index in range(len(dialogue.turns)):
                result.turns.append(
                    run_turn(bench, engine, session_id, dialogue, index, transcript)
                )
        except Exception as err:  # a failing dialogue must not end the run
            result.error = f"{type(err).__name__}: {err}"
        _, before = bench.template(dialogue.store)
        cart = [(i.item_id, i.quantity) for i in store.cart_items(session_id)]
        result.state_problems = state_problems(dialogue.final, before, store.dump_tau2(), cart)
    return result


def run_eval(
    settings: Settings,
    model: ChatModel,
    dialogues: Sequence[Dialogue],
    *,
    label: str,
    model_name: str,
    base_url: str,
    k: int = 1,
    workers: int = 4,
    progress: Progress | None = None,
) -> EvalRun:
    """Run `k` trials of every dialogue and collect the results.

    Args:
        settings: The product settings (data dir for the indexes, engine configuration).
        model: The chat model every engine drives.
        dialogues: The dialogues to run.
        label: A name for the run in reports.
        model_name: The model name requested from the endpoint.
        base_url: The endpoint's URL.
        k: Trials per dialogue.
        workers: Trials run at once.
        progress: Called with each finished trial.
    """
    started = time.perf_counter()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    services = Services(settings)
    with tempfile.TemporaryDirectory(prefix="shopassist-eval-") as tmp:
        bench = Bench(settings, model, services, Path(tmp))
        bench.prepare(d.store for d in dialogues)  # once, before the threads start
        results: list[DialogueResult] = []
        jobs = [(d, t) for t in range(k) for d in dialogues]
        with ThreadPoolExecutor(max(1, workers)) as pool:
            futures = [pool.submit(run_dialogue, bench, d, t) for d, t in jobs]
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                if progress is not None:
                    progress(result)
    order = {(d.id, t): n for n, (d, t) in enumerate(jobs)}
    results.sort(key=lambda r: order[(r.id, r.trial)])
    return EvalRun(
        label=label,
        model=model_name,
        base_url=base_url,
        k=k,
        started=stamp,
        seconds=round(time.perf_counter() - started, 1),
        settings={
            "llm_finetuned": settings.llm_finetuned,
            "llm_constrain_tool_calls": settings.llm_constrain_tool_calls,
            "llm_constrain_ids": settings.llm_constrain_ids,
            "force_tool_first": settings.forces_tool_first,
            "max_tool_rounds": settings.max_tool_rounds,
        },
        results=results,
    )
