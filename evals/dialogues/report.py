"""Markdown reports of eval runs, with plots, and the comparison of two runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.dialogues.metrics import by_group, by_turn_position, summarise
from evals.dialogues.results import DialogueResult, EvalRun

HEADLINE = (
    ("pass^1", "pass^1"),
    ("pass^k", "pass^k"),
    ("turn_success", "turn success"),
    ("wrong_writes_executed", "wrong writes executed"),
    ("invented", "invented arguments (identity / search / other)"),
    ("grounding_failures", "grounding failures (replies replaced)"),
    ("policy_refusals", "policy refusals"),
    ("turn_seconds_p50", "turn latency p50 (s)"),
    ("turn_seconds_p95", "turn latency p95 (s)"),
    ("tokens", "tokens per turn (prompt / completion)"),
)


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _cell(run: EvalRun, figures: dict[str, Any], key: str) -> str:
    if key == "pass^k":
        return _pct(figures.get(f"pass^{run.k}"))
    if key in ("pass^1", "turn_success"):
        return _pct(figures[key])
    if key == "invented":
        inv = figures["invented_arguments"]
        return f"{sum(inv.values())} ({inv.get('identity', 0)} / {inv.get('search', 0)} / " + (
            f"{inv.get('other', 0)})"
        )
    if key == "tokens":
        turns = max(figures["turns"], 1)
        return (
            f"{figures['prompt_tokens'] / turns:.0f} / {figures['completion_tokens'] / turns:.0f}"
        )
    value = figures[key]
    return "—" if value is None else str(value)


def summary_table(runs: Sequence[EvalRun], split: str | None = None) -> str:
    """The headline figures of one or more runs side by side (optionally one split)."""
    columns = []
    for run in runs:
        results = [r for r in run.results if split is None or r.split == split]
        columns.append(summarise(run, results))
    head = "| measure | " + " | ".join(f"{r.label} (k={r.k})" for r in runs) + " |"
    lines = [head, "|---" * (len(runs) + 1) + "|"]
    for key, label in HEADLINE:
        cells = [_cell(run, figures, key) for run, figures in zip(runs, columns, strict=True)]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    dialogues = columns[0]["dialogues"] if columns else 0
    turns = columns[0]["turns"] // max(columns[0]["trials"], 1) if columns else 0
    lines.append(f"\n{dialogues} dialogues, {turns} turns each trial.")
    return "\n".join(lines)


def _group_table(run: EvalRun, key: str) -> str:
    groups = by_group(run, key)
    lines = [
        f"| {key} | dialogues | pass^1 | pass^{run.k} | turn success | wrong writes |",
        "|---|---|---|---|---|---|",
    ]
    for name, f in groups.items():
        lines.append(
            f"| {name} | {f['dialogues']} | {_pct(f['pass^1'])} | {_pct(f.get(f'pass^{run.k}'))} "
            f"| {_pct(f['turn_success'])} | {f['wrong_writes_executed']} |"
        )
    return "\n".join(lines)


HELD_OUT = "test"
"""The split whose dialogues are scored, never read to tune: reports count its failures and
changes but do not name them (a dialogue's id says what it asks)."""


def _held_out_note(count: int, what: str) -> str:
    return f"- {count} {HELD_OUT}-split dialogue(s) {what}, not listed: that split is held out"


def _failures(run: EvalRun, limit: int = 40) -> str:
    lines = []
    held = 0
    for result in run.results:
        if result.passed or result.trial != 0:
            continue
        if result.split == HELD_OUT:
            held += 1
            continue
        problems = [f"turn {t.index + 1}: {p}" for t in result.turns for p in t.problems]
        problems += [f"turn {t.index + 1}: ran {w}" for t in result.turns for w in t.wrong_writes]
        problems += result.state_problems + ([result.error] if result.error else [])
        lines.append(f"- `{result.id}` ({result.split}): " + "; ".join(problems[:4]))
        if len(lines) >= limit:
            break
    if held:
        lines.append(_held_out_note(held, "failed"))
    return "\n".join(lines) or "none"


def plot(run: EvalRun, path: Path) -> Path:
    """Success by category and turn latency, as one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = by_group(run, "category")
    names = list(groups)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    left.barh(names, [groups[n]["pass^1"] or 0 for n in names], color="#4c72b0")
    left.set_xlim(0, 1)
    left.set_xlabel("pass^1")
    left.set_title(f"{run.label}: success by category")
    left.invert_yaxis()
    seconds = [t.seconds for r in run.results for t in r.turns]
    right.hist(seconds, bins=30, color="#55a868")
    right.set_xlabel("seconds per turn")
    right.set_title("turn latency")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def write_report(run: EvalRun, folder: Path, name: str) -> tuple[Path, Path]:
    """Write `<name>.json` and `<name>.md` (with `<name>.png`) into `folder`."""
    json_path = run.save(folder / f"{name}.json")
    png = plot(run, folder / f"{name}.png")
    positions = by_turn_position(run)
    md = "\n\n".join(
        [
            f"# Dialogue eval: {run.label}",
            f"Model `{run.model}` at {run.base_url}, {run.k} trial(s) per dialogue, "
            f"run {run.started} in {run.seconds:.0f} s. Settings: {run.settings}.",
            "## Summary\n\n" + summary_table([run]),
            "## By split\n\n" + _group_table(run, "split"),
            "## By store and split\n\n" + _group_table(run, "store_split"),
            "## By category\n\n" + _group_table(run, "category"),
            "## By language feature\n\n" + _group_table(run, "tags"),
            "## Turn success by position\n\n"
            + " · ".join(f"turn {p}: {_pct(v)}" for p, v in positions.items()),
            f"![success by category and latency]({png.name})",
            "## Failed dialogues (first trial)\n\n" + _failures(run),
        ]
    )
    md_path = folder / f"{name}.md"
    md_path.write_text(md + "\n")
    return json_path, md_path


def compare(a: EvalRun, b: EvalRun) -> str:
    """What got better and worse from run `a` to run `b`, dialogue by dialogue."""

    def rates(run: EvalRun) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for result in run.results:
            c, n = out.get(result.id, (0, 0))
            out[result.id] = (c + result.passed, n + 1)
        return out

    ra, rb = rates(a), rates(b)
    held_out = {r.id for r in (*a.results, *b.results) if r.split == HELD_OUT}
    better, worse = [], []
    held_better = held_worse = 0
    for dialogue in sorted(set(ra) & set(rb)):
        (ca, na), (cb, nb) = ra[dialogue], rb[dialogue]
        line = f"- `{dialogue}`: {ca}/{na} → {cb}/{nb}"
        sa, sb = ca / na, cb / nb
        if dialogue in held_out:
            held_better += sb > sa
            held_worse += sb < sa
        elif sb > sa:
            better.append(line)
        elif sb < sa:
            worse.append(line)
    if held_better:
        better.append(_held_out_note(held_better, "better"))
    if held_worse:
        worse.append(_held_out_note(held_worse, "worse"))
    only = sorted(set(ra) ^ set(rb))
    splits = sorted({r.split for r in a.results} & {r.split for r in b.results})
    parts = [
        f"# {a.label} → {b.label}",
        summary_table([a, b]),
        *(f"## {split} split\n\n" + summary_table([a, b], split) for split in splits),
        f"## Better ({len(better)})\n\n" + ("\n".join(better) or "none"),
        f"## Worse ({len(worse)})\n\n" + ("\n".join(worse) or "none"),
    ]
    only = [d for d in only if d not in held_out]
    if only:
        parts.append("## In one run only\n\n" + ", ".join(f"`{d}`" for d in only))
    return "\n\n".join(parts) + "\n"


def failed(results: Sequence[DialogueResult]) -> list[DialogueResult]:
    """The trials that did not pass."""
    return [r for r in results if not r.passed]
