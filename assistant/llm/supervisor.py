"""Keep a locally launched model server up: start it again when its process dies.

The command that launched vLLM (`shopassist api`, `ui`, `chat`) owns it; if the server
process ends on its own (killed, out of memory, crashed), turns fail fast with "the model is
unavailable" and this watchdog starts a new server on the same port, so the next turn works
once it is ready. It only restarts: stopping the server stays with whoever started it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from assistant.llm.server import ServerError, VllmServer

log = logging.getLogger(__name__)


class ServerSupervisor:
    """A daemon thread that restarts `server` whenever its process has exited.

    Args:
        server: The server this process started (its `process` is watched).
        interval: Seconds between checks.
        max_restarts: Restarts in a row that may fail to become healthy before the
            supervisor gives up (a server that dies at every start-up is not restarted
            forever); a healthy server resets the count.
        notify: Called with a line for the operator on every restart and recovery.
    """

    def __init__(
        self,
        server: VllmServer,
        *,
        interval: float = 1.0,
        max_restarts: int = 3,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.server = server
        self.interval = interval
        self.max_restarts = max_restarts
        self.notify = notify or log.warning
        self.restarts = 0
        """Restarts done so far (all of them, for reports and tests)."""
        self._failed_in_a_row = 0
        self._recovering = False
        self._gave_up = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vllm-supervisor", daemon=True)

    def start(self) -> None:
        """Start watching."""
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop watching; a restart under way finishes launching first (the caller then stops
        the server it finds in the pid file)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def __enter__(self) -> ServerSupervisor:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def check(self) -> None:
        """One look at the server: restart it if its process is gone, note a recovery."""
        if self.server.running():
            if self._recovering and self.server.is_healthy():
                self._recovering = False
                self._failed_in_a_row = 0
                self.notify(f"model server at {self.server.base_url} is back")
            return
        if self._failed_in_a_row >= self.max_restarts:
            if not self._gave_up:
                self._gave_up = True
                self.notify(
                    f"model server restarted {self.max_restarts} times without becoming "
                    f"healthy; not restarting it again (see {self.server.log_path})"
                )
            return
        self.notify(
            f"model server at {self.server.base_url} exited "
            f"(code {self.server.exit_code()}); restarting it"
        )
        self._failed_in_a_row += 1
        self.restarts += 1
        self._recovering = True
        self.server.end_leftovers()
        try:
            # Not waiting for health here: a stop request must not wait out a start-up.
            self.server.start(wait=False)
        except ServerError as err:
            self.notify(f"model server could not be restarted: {err}")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the watchdog must outlive one failed look
                log.exception("model server supervisor check failed")
                time.sleep(self.interval)
