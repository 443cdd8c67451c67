"""What every benchmark shares: nearest-rank percentiles and the results files it writes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def pct(values: list[float], q: float) -> float:
    """The `q` quantile of `values` (nearest rank); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def write_results(
    folder: Path, name: str, title: str, payload: dict[str, Any], text: str, argv: list[str] | None
) -> None:
    """Write `NAME.json` (the figures) and `NAME.md` (the printed report under `title` and the
    command that made it) into `folder`.

    Args:
        folder: The results folder (created when missing).
        name: The benchmark's module name under `benchmarks`.
        title: The markdown heading.
        payload: The figures, as JSON.
        text: The report the benchmark printed.
        argv: The command-line arguments it ran with (None: the process's own).
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    args = " ".join(argv if argv is not None else sys.argv[1:])
    (folder / f"{name}.md").write_text(
        f"# {title}\n\n`python -m benchmarks.{name} {args}`\n\n{text}"
    )
    print(f"figures written to {folder / f'{name}.json'} and {name}.md")
