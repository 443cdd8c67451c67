"""The simulated mode against a fake OpenAI-compatible user server started by the test.

The server (FastAPI under a real uvicorn on a free loopback port) answers chat completions
with scripted user messages and records every request, so the tests see what the harness
sends the user simulator and how it handles stop tokens, the turn cap and server errors.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.llm.scripted import ScriptedModel, say
from evals.tau2.harness import HarnessOptions, run_harness
from evals.tau2.user_scripts import load_scripts
from evals.tau2.users import GREETING, UserEndpoint
from tests.evals.agents import task_75_agent
from tests.interfaces.support import uvicorn_server


@dataclass
class FakeUserServer:
    """Replies in order (the last one repeats); `status` other than 200 fails every call."""

    replies: Sequence[str]
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()
        counter = itertools.count()

        @app.post("/v1/chat/completions")
        async def complete(request: Request) -> JSONResponse:
            self.requests.append(await request.json())
            self.headers.append(dict(request.headers))
            if self.status != 200:
                return JSONResponse({"error": {"message": "simulator down"}}, self.status)
            text = self.replies[min(next(counter), len(self.replies) - 1)]
            return JSONResponse(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": 0,
                    "model": self.requests[-1]["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            )

        return app


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start a fake user server for the test; every one is stopped when the test ends."""
    from contextlib import ExitStack

    with ExitStack() as stack:

        def start(server: FakeUserServer) -> str:
            return stack.enter_context(uvicorn_server(server.app())) + "/v1"

        yield start


def test_the_simulator_plays_a_task_until_it_says_stop(serve: Any, tau2_cache: Path) -> None:
    script = load_scripts()["75"].messages
    server = FakeUserServer([*script, "Great, thanks! ###STOP###", "never reached"])
    url = serve(server)
    agent = task_75_agent()
    options = HarnessOptions(
        task_ids=["75"],
        agent=agent,
        user=UserEndpoint(url, "user-sim", api_key="test-key", temperature=0.0),
        cache_dir=tau2_cache,
    )
    report = run_harness("simulated", options)
    result = report.results[0]
    assert result.score.termination == "user_stop" and result.score.reward == 1.0
    # Four messages went to the agent; the stop message ended the dialogue instead.
    assert result.dialogue.user_turns == 4 and len(server.requests) == 5
    assert agent.remaining == 0
    assert "###STOP###" not in agent.seen_text()

    first = server.requests[0]
    assert first["model"] == "user-sim" and first["temperature"] == 0.0
    assert server.headers[0]["authorization"] == "Bearer test-key"
    system, greeting = first["messages"]
    assert system["role"] == "system" and "###STOP###" in system["content"]
    assert "liam.moore6985@example.com" in system["content"]  # the task's known info
    assert greeting == {"role": "user", "content": GREETING}
    # Roles are flipped for the simulator: its own messages are `assistant`, the agent's `user`.
    last = server.requests[-1]["messages"]
    assert [m["role"] for m in last[1:]] == ["user", "assistant"] * 4 + ["user"]
    assert [m["content"] for m in last[2::2]] == list(script)
    assert last[3]["content"] == result.dialogue.messages[2]["content"]  # the agent's reply


def test_a_simulator_that_never_stops_hits_the_turn_cap(serve: Any, tau2_cache: Path) -> None:
    server = FakeUserServer(["Can you tell me more?"])
    url = serve(server)
    options = HarnessOptions(
        task_ids=["57"],
        agent_factory=lambda _task: ScriptedModel(lambda _request: say("How can I help further?")),
        user=UserEndpoint(url, "user-sim"),
        max_turns=3,
        cache_dir=tau2_cache,
    )
    result = run_harness("simulated", options).results[0]
    # Task 57's gold state is the initial one: only the cut-off makes the reward 0.
    assert result.score.termination == "max_steps" and result.score.reward == 0.0
    assert result.dialogue.user_turns == 3 and len(server.requests) == 3


def test_a_failing_simulator_ends_the_trial_as_a_user_error(serve: Any, tau2_cache: Path) -> None:
    server = FakeUserServer(["unused"], status=500)
    url = serve(server)
    options = HarnessOptions(
        task_ids=["57"],
        agent=ScriptedModel([]),
        user=UserEndpoint(url, "user-sim", max_retries=0),
        cache_dir=tau2_cache,
    )
    result = run_harness("simulated", options).results[0]
    assert result.score.termination == "user_error" and result.score.reward == 0.0
    assert result.dialogue.error is not None and "answered 500" in result.dialogue.error
    assert len(server.requests) == 1
