"""Real servers for the scale-out tests: PostgreSQL, a Chroma server and API replicas, each
started in its own process on a free loopback port and always stopped again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.llm.server import free_port
from retrieval.chroma import make_client

REPO = Path(__file__).resolve().parents[2]


def _postgres_bin_dirs() -> list[Path]:
    """Debian's versioned folders (newest first), where initdb and pg_ctl are not on PATH."""
    found = Path("/usr/lib/postgresql").glob("*/bin")
    return sorted(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                  reverse=True)  # fmt: skip


def postgres_tools() -> dict[str, str] | None:
    """Paths of initdb, pg_ctl and createdb, or None when PostgreSQL is not installed."""
    for folder in _postgres_bin_dirs():
        tools = {name: folder / name for name in ("initdb", "pg_ctl", "createdb")}
        if all(path.exists() for path in tools.values()):
            return {name: str(path) for name, path in tools.items()}
    on_path = {name: shutil.which(name) for name in ("initdb", "pg_ctl", "createdb")}
    if any(path is None for path in on_path.values()):
        return None
    return {name: str(path) for name, path in on_path.items()}


def _as_server_user() -> list[str]:
    """PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root, and there is no runuser to start PostgreSQL with")
    return [runuser, "-u", "postgres", "--"]


def process_alive(pid: int) -> bool:
    """Whether the process `pid` still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is gone in all but name (its parent has not reaped it yet).
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while process_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False
    )


@dataclass
class Postgres:
    """A running PostgreSQL server."""

    url: str
    """SQLAlchemy URL of its database (psycopg 3 driver)."""
    pid: int
    """The postmaster's process id."""
    log: Path


@contextmanager
def postgres_server(database: str = "shop") -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free loopback port.

    `initdb` with trust authentication for the `shopassist` role, `pg_ctl start`, `createdb`;
    on exit `pg_ctl stop` (fast, then immediate, then SIGKILL) and the folder is removed.
    """
    tools = postgres_tools()
    if tools is None:
        raise RuntimeError("PostgreSQL (initdb, pg_ctl, createdb) is not installed")
    prefix = _as_server_user()
    # Not under pytest's tmp_path: that folder is private to root, and the server may run as
    # the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="shopassist-pg-"))
    data, log = folder / "data", folder / "server.log"
    port = free_port()
    started = False
    pid = 0
    try:
        if prefix:
            shutil.chown(folder, user="postgres")
        init = [tools["initdb"], "-D", str(data), "-U", "shopassist", "--auth=trust", "-E", "UTF8"]
        done = _run([*prefix, *init, "--no-instructions"])
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stdout[-2000:]}")
        # Loopback only; no fsync: the cluster is thrown away with the test run.
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
        start = [tools["pg_ctl"], "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options]
        started = True  # from here on a stop is attempted, even if start reports failure
        done = _run([*prefix, *start, "start"])
        if done.returncode:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{done.stdout[-1000:]}\n{tail}")
        pid = int((data / "postmaster.pid").read_text().split()[0])
        create = [tools["createdb"], "-h", "127.0.0.1", "-p", str(port), "-U", "shopassist"]
        done = _run([*create, database])
        if done.returncode:
            raise RuntimeError(f"createdb failed:\n{done.stdout[-2000:]}")
        url = f"postgresql+psycopg://shopassist@127.0.0.1:{port}/{database}"
        yield Postgres(url=url, pid=pid, log=log)
    finally:
        if started:
            _stop_postgres(prefix, tools["pg_ctl"], data, pid)
        shutil.rmtree(folder, ignore_errors=True)


def _stop_postgres(prefix: list[str], pg_ctl: str, data: Path, pid: int) -> None:
    if not pid and (data / "postmaster.pid").exists():
        pid = int((data / "postmaster.pid").read_text().split()[0])
    for mode in ("fast", "immediate"):
        stop = [*prefix, pg_ctl, "-D", str(data), "-w", "-t", "30", "-m", mode, "stop"]
        subprocess.run(stop, capture_output=True, check=False)
        if not pid or _wait_gone(pid, 10):
            return
    os.kill(pid, 9)
    _wait_gone(pid, 10)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a child, kill it when it does not end, and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], log: Path,
                what: str, seconds: float) -> None:  # fmt: skip
    deadline = time.monotonic() + seconds
    while True:
        try:
            if ready():
                return
        except Exception:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            state = f"exited with {process.returncode}" if process.poll() is not None else "hung"
            raise RuntimeError(f"{what} did not come up ({state}):\n{tail}")
        time.sleep(0.3)


@dataclass
class Served:
    """A server process started by the tests."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def chroma_server(folder: Path) -> Iterator[Served]:
    """`chroma run` over `folder` on a free loopback port, stopped on exit."""
    cli = Path(sys.executable).with_name("chroma")
    command = str(cli) if cli.exists() else shutil.which("chroma")
    if command is None:
        raise RuntimeError("the `chroma` command-line tool is not installed next to this Python")
    port = free_port()
    log = folder / "chroma.log"
    folder.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [command, "run", "--path", str(folder / "data"), "--host", "127.0.0.1",
             "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: bool(make_client(url=url).heartbeat()), process, log, url, 60)
        yield Served(url, process, log)
    finally:
        _stop(process)


def product_env(**settings: str) -> dict[str, str]:
    """This environment without any `SHOPASSIST_*` variable, plus `settings` (upper-cased
    after the prefix), offline, importing this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPASSIST_")}
    env.update({f"SHOPASSIST_{k.upper()}": v for k, v in settings.items()})
    env["HF_HUB_OFFLINE"] = env["TRANSFORMERS_OFFLINE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def shopassist(args: list[str], env: Mapping[str, str], timeout: float = 600) -> str:
    """Run one `shopassist` command to its end; its output, or RuntimeError with it."""
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli.main", *args],
        env=dict(env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"shopassist {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout + done.stderr


@contextmanager
def api_replicas(count: int, env: Mapping[str, str], log_dir: Path) -> Iterator[list[Served]]:
    """`count` processes of `shopassist api --no-start-model`, each on a free loopback port,
    started together and stopped on exit.

    Ready once `/health` answers and `/v1/tools` has built the dialogue engine (so the first
    request of a test does not wait for the embedding model to load).
    """
    replicas: list[Served] = []
    try:
        for n in range(count):
            port = free_port()
            log = log_dir / f"api-{n}.log"
            command = [sys.executable, "-m", "assistant.cli.main", "api", "--port", str(port),
                       "--host", "127.0.0.1", "--no-start-model"]  # fmt: skip
            with open(log, "wb") as out:
                process = subprocess.Popen(
                    command, env=dict(env), cwd=REPO, stdout=out, stderr=subprocess.STDOUT
                )
            replicas.append(Served(f"http://127.0.0.1:{port}", process, log))
        for replica in replicas:
            _wait_until(_engine_ready(replica.url), replica.process, replica.log,
                        f"API replica at {replica.url}", 240)  # fmt: skip
        yield replicas
    finally:
        for replica in replicas:
            _stop(replica.process)


def _engine_ready(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        with httpx.Client(base_url=url, timeout=120) as client:
            return (
                client.get("/health").status_code == 200
                and client.get("/v1/tools").status_code == 200
            )

    return ready
