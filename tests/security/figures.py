"""The security suite's figures: one line per check with what it measured, printed after
the run."""

from __future__ import annotations

LINES: list[str] = []


def record(check: str, measured: str) -> None:
    """Add a line to the summary printed at the end of the run."""
    LINES.append(f"{check:<44} {measured}")
