"""`python -m evals.tau2.harness`: the summary it prints, the JSON it writes, its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.tau2.harness import main


def test_gold_run_prints_a_summary_and_writes_json(
    tau2_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gold.json"
    argv = ["--mode", "gold", "--split", "test", "--tasks", "36,33", "--k", "2", "--out", str(out)]
    assert main([*argv, "--cache-dir", str(tau2_cache)]) == 0
    printed = capsys.readouterr()
    assert "gold mode, test split: 2 tasks x 2 trials" in printed.out
    assert "pass^2 1.000" in printed.out
    assert "task 36 trial 1: reward 1.0 (user_stop" in printed.err
    data = json.loads(out.read_text())
    assert data["summary"]["pass_hat_k"] == {"1": 1.0, "2": 1.0}
    assert [(r["task_id"], r["trial"]) for r in data["results"]] == [
        ("33", 0),
        ("33", 1),
        ("36", 0),
        ("36", 1),
    ]
    assert data["results"][0]["score"]["communicate"] == {"1093.34": True}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--mode", "simulated"], "needs the user simulator's endpoint"),
        (["--mode", "gold", "--k", "3", "--trials", "2"], "need trials >= k >= 1"),
        (["--mode", "gold", "--split", "train", "--tasks", "36"], "not in the train split: 36"),
        (["--mode", "scripted", "--user-model", "x"], "--user-base-url and --user-model"),
    ],
)
def test_bad_options_exit_with_a_clear_error(
    argv: list[str], message: str, tau2_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--cache-dir", str(tau2_cache)]) == 2
    assert message in capsys.readouterr().err
