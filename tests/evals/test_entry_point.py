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


def test_workers_give_the_results_of_one_process(tau2_cache: Path, tmp_path: Path) -> None:
    runs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"workers-{workers}.json"
        argv = ["--mode", "gold", "--tasks", "0,33,70", "--trials", "2", "--quiet"]
        argv += ["--workers", workers, "--out", str(out), "--cache-dir", str(tau2_cache)]
        assert main(argv) == 0
        runs[workers] = json.loads(out.read_text())["results"]
    assert [(r["task_id"], r["trial"]) for r in runs["2"]] == [
        (task, trial) for task in ("0", "33", "70") for trial in (0, 1)
    ]
    for one, two in zip(runs["1"], runs["2"], strict=True):
        assert one["score"] == two["score"] and one["score"]["reward"] == 1.0
        assert one["dialogue"] == two["dialogue"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--mode", "simulated"], "needs the user simulator's endpoint"),
        (["--mode", "gold", "--k", "3", "--trials", "2"], "need trials >= k >= 1"),
        (["--mode", "gold", "--split", "train", "--tasks", "36"], "not in the train split: 36"),
        (["--mode", "scripted", "--user-model", "x"], "--user-base-url and --user-model"),
        (["--mode", "gold", "--workers", "0"], "workers must be at least 1"),
    ],
)
def test_bad_options_exit_with_a_clear_error(
    argv: list[str], message: str, tau2_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--cache-dir", str(tau2_cache)]) == 2
    assert message in capsys.readouterr().err
