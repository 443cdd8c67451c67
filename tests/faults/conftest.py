"""Fixtures of the fault suite, and its report: every test records the figures it measured
(`figures.add(fault, figure, result)`); the terminal summary prints them as one table.

Run: `pytest -m faults` (the ones that start vLLM are also marked `vllm`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass(frozen=True)
class Figure:
    """One measured figure of one fault."""

    fault: str
    figure: str
    result: str


@dataclass
class Figures:
    """The figures of the run, in the order the tests recorded them."""

    rows: list[Figure] = field(default_factory=list)

    def add(self, fault: str, figure: str, result: object) -> None:
        """Record a figure (and print it, for runs with `-s`)."""
        row = Figure(fault, figure, str(result))
        self.rows.append(row)
        print(f"[fault] {row.fault} | {row.figure} | {row.result}")


FIGURES = Figures()
"""The run's figures: one instance, read by `pytest_terminal_summary`."""


@pytest.fixture(scope="session")
def figures() -> Figures:
    """Where the fault tests record what they measured."""
    return FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fault suite's figures as a table: fault | figure | result."""
    if not FIGURES.rows:
        return
    header = ("fault", "figure", "result")
    rows = [(r.fault, r.figure, r.result) for r in FIGURES.rows]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    terminalreporter.section("fault suite figures")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        terminalreporter.write_line(" | ".join(cells))
