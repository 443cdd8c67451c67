"""The launcher's supervisor on its own, in seconds: a process that answers `/health` stands
in for vLLM (the real server's crash and restart are in `test_model_server.py`), launched
through `VllmServer.start` with its pid file and log like the real one."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.llm.server import VllmServer, free_port
from assistant.llm.supervisor import ServerSupervisor
from assistant.settings import Settings
from tests.faults.conftest import Figures
from tests.faults.support import wait_for
from tests.scaleout.servers import process_alive

pytestmark = [pytest.mark.faults, pytest.mark.server]

HEALTHY = """
import http.server, sys
class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Ok).serve_forever()
"""
CRASHING = "import sys; sys.exit(3)"
WITH_ENGINE = (
    """
import pathlib, subprocess, sys
engine = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
pathlib.Path(sys.argv[2]).write_text(str(engine.pid))
"""
    + HEALTHY
)
"""A server with a child process in its group, as vLLM's API server has its engine core."""


class ScriptServer(VllmServer):
    """The launcher with `script` as the server process (argv[1] is the port)."""

    def __init__(self, settings: Settings, script: str) -> None:
        super().__init__(settings)
        self.script = script

    def command(self) -> list[str]:
        engine_pid = self.run_dir / "engine.pid"
        return [sys.executable, "-c", self.script, str(self.settings.llm_port), str(engine_pid)]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    return Settings(data_dir=tmp_path / "data", llm_model_path=model, llm_port=free_port())


@pytest.fixture
def healthy(settings: Settings) -> Iterator[ScriptServer]:
    server = ScriptServer(settings, HEALTHY)
    server.start()
    yield server
    server.stop()


def test_a_killed_server_is_started_again(healthy: ScriptServer, figures: Figures) -> None:
    lines: list[str] = []
    with ServerSupervisor(healthy, interval=0.2, notify=lines.append) as supervisor:
        old = healthy.read_pid()
        assert old is not None
        os.kill(old, signal.SIGKILL)
        back = wait_for(
            "a new healthy server",
            lambda: healthy.read_pid() not in (None, old) and healthy.is_healthy(),
            30,
        )
        wait_for("the recovery noted", lambda: any("is back" in line for line in lines), 5)
    assert supervisor.restarts == 1
    assert any("exited (code -9); restarting it" in line for line in lines), lines
    figures.add("model server process killed (supervisor alone)", "back healthy", f"{back:.1f}s")


def test_stopping_the_supervisor_stops_restarts(healthy: ScriptServer) -> None:
    supervisor = ServerSupervisor(healthy, interval=0.2, notify=lambda _: None)
    supervisor.start()
    supervisor.stop()
    healthy.stop()
    time.sleep(1.0)
    assert healthy.read_pid() is None and not healthy.is_healthy()
    assert supervisor.restarts == 0


def test_a_server_that_dies_at_every_start_is_given_up(
    settings: Settings, figures: Figures
) -> None:
    server = ScriptServer(settings, CRASHING)
    server.start(wait=False)
    lines: list[str] = []
    supervisor = ServerSupervisor(server, interval=0.1, max_restarts=3, notify=lines.append)
    with supervisor:
        wait_for("the supervisor giving up", lambda: any("not restarting" in x for x in lines), 30)
        time.sleep(0.5)
    assert supervisor.restarts == 3, lines
    server.stop()
    figures.add("model server dies at every start", "restarts before giving up", "3")


def test_a_killed_servers_engine_process_is_ended_before_the_restart(settings: Settings) -> None:
    server = ScriptServer(settings, WITH_ENGINE)
    server.start()
    engine_file = server.run_dir / "engine.pid"
    try:
        first_engine = int(engine_file.read_text())
        assert process_alive(first_engine)
        old = server.read_pid()
        assert old is not None
        with ServerSupervisor(server, interval=0.2, notify=lambda _: None):
            os.kill(old, signal.SIGKILL)
            wait_for(
                "a new healthy server",
                lambda: server.read_pid() not in (None, old) and server.is_healthy(),
                30,
            )
        wait_for("the old engine process ended", lambda: not process_alive(first_engine), 5)
        second_engine = int(engine_file.read_text())
        assert second_engine != first_engine and process_alive(second_engine)
    finally:
        server.stop()
    wait_for("the new engine process ended by stop", lambda: not process_alive(second_engine), 5)
