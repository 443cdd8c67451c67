"""Helpers of the fault suite: `shopassist` commands as real processes, each with its own
data dir and ports, and always stopped again (their model server too) when a test ends."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.llm.server import free_port
from tests.scaleout.servers import REPO, process_alive, product_env


def own_port(preferred: int) -> int:
    """`preferred` (this suite's range) when nobody listens there, else any free port."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            return free_port()
    return preferred


def port_answers(port: int) -> bool:
    """Whether something accepts TCP connections on the loopback `port`."""
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(
    what: str, ready: Callable[[], bool], timeout: float, log: Path | None = None
) -> float:
    """Poll `ready` until it holds; the seconds it took, or AssertionError after `timeout`."""
    started = time.monotonic()
    while True:
        try:
            if ready():
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        if time.monotonic() - started > timeout:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise AssertionError(f"{what} not within {timeout:.0f}s\n{tail}")
        time.sleep(0.2)


def read_pid(path: Path) -> int | None:
    """The pid in a pid file, or None when there is no such file."""
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


@dataclass
class Command:
    """A running `shopassist` command and where it keeps its things."""

    process: subprocess.Popen[bytes]
    data_dir: Path
    log: Path
    llm_port: int

    @property
    def vllm_pid_file(self) -> Path:
        """The model server's pid file in the command's data dir."""
        return self.data_dir / "run" / "vllm.pid"

    def vllm_pid(self) -> int | None:
        """The model server's pid (from its pid file)."""
        return read_pid(self.vllm_pid_file)

    def vllm_healthy(self) -> bool:
        """Whether the model server answers `/health`."""
        try:
            url = f"http://127.0.0.1:{self.llm_port}/health"
            return httpx.get(url, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False


def command_env(data_dir: Path, model_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a command on its own data dir, serving `model_dir` small."""
    return product_env(
        data_dir=str(data_dir),
        llm_model_path=str(model_dir),
        llm_max_model_len="4096",
        llm_kv_cache_gib="1",
        # No request detector to train: every tool is offered and the model picks.
        offer_by_request="false",
        **settings,
    )


def _kill_group(pid: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


@contextmanager
def shopassist_command(
    args: list[str], env: Mapping[str, str], data_dir: Path, llm_port: int
) -> Iterator[Command]:
    """Start `shopassist ARGS` (niced, its own process group); on exit, whatever is left of
    it and of the model server it started is killed, so no test leaves a server behind."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / f"{args[0]}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-m", "assistant.cli.main", *args],
            env=dict(env),
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    command = Command(process, data_dir, log, llm_port)
    try:
        yield command
    finally:
        if process.poll() is None:
            _kill_group(process.pid)
            process.wait(timeout=30)
        vllm = command.vllm_pid()
        if vllm is not None and process_alive(vllm):
            _kill_group(vllm)
        command.vllm_pid_file.unlink(missing_ok=True)


@dataclass(frozen=True)
class Stopped:
    """How a command ended after a signal."""

    seconds: float
    """From the signal until the command had exited and its model server was gone."""
    returncode: int


def signal_and_wait_stopped(command: Command, sig: int, bound: float) -> Stopped:
    """Send `sig` to the command; assert that within `bound` seconds it exits, its model
    server's process is gone, the port no longer answers and the pid file is removed."""
    vllm = command.vllm_pid()
    assert vllm is not None and process_alive(vllm), "no model server to stop"
    started = time.monotonic()
    command.process.send_signal(sig)
    try:
        returncode = command.process.wait(timeout=bound)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"{command.log.stem} still runs {bound:.0f}s after {signal.Signals(sig).name}\n"
            + command.log.read_text(errors="replace")[-3000:]
        ) from None
    remaining = max(0.0, bound - (time.monotonic() - started))
    wait_for(
        "model server gone",
        lambda: not process_alive(vllm) and not port_answers(command.llm_port),
        remaining,
        command.log,
    )
    seconds = time.monotonic() - started
    assert not command.vllm_pid_file.exists(), "the model server's pid file is left behind"
    return Stopped(seconds, returncode)
