"""The bad-input suite's figures: one row per case, printed as a table after the run."""

from __future__ import annotations

from dataclasses import dataclass

ROWS: list[Row] = []


@dataclass(frozen=True)
class Row:
    """One bad input: what it was, where it went in, the error shown, stored counts."""

    case: str
    where: str
    error: str
    before: str
    after: str


def record(case: str, where: str, error: str, before: object = "", after: object = "") -> None:
    """Add a row to the table printed at the end of the run."""
    ROWS.append(Row(case, where, " ".join(error.split()), str(before), str(after)))


def shown(stderr: str, folder: object) -> str:
    """The first line a command printed on stderr, its temporary folder left out."""
    first = next((line for line in stderr.splitlines() if line.strip()), "(nothing)")
    return first.replace(f"{folder}/", "").replace(str(folder), "<folder>")


def table(rows: list[Row], error_width: int = 90) -> list[str]:
    """The rows as aligned text lines, errors shortened to `error_width` characters."""
    head = Row("input", "where", "error shown", "stored before", "after")
    cells = [head] + [
        Row(
            r.case,
            r.where,
            r.error if len(r.error) <= error_width else r.error[: error_width - 1] + "…",
            r.before,
            r.after,
        )
        for r in rows
    ]
    widths = [max(len(getattr(c, f)) for c in cells) for f in ("case", "where", "error")]
    lines = []
    for c in cells:
        lines.append(
            f"{c.case:<{widths[0]}} | {c.where:<{widths[1]}} | {c.error:<{widths[2]}} | "
            f"{c.before} → {c.after}"
        )
    return lines
