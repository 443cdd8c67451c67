"""Focused training data: the sequences with a wrong tool choice, trained only on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.finetune.examples import Example
from assistant.finetune.focus import focus_examples, wrong_calls


def _example(n: int) -> Example:
    """A sequence of three targets: 'p' prompt text, then 'tN.k' target texts."""
    text, spans, targets = "", [], []
    for k in range(3):
        text += f"prompt{k}|"
        target = f"t{n}.{k}|"
        spans.append((len(text), len(text) + len(target)))
        text += target
        targets.append({"kind": "call", "tool": f"tool{k}"})
    return Example(text, spans, f"c{n}", "train", targets, tokens=99, target_tokens=9)


EXAMPLES = [_example(n) for n in range(6)]
CASES = [{"id": f"c{n}/{k}", "position": [n, k]} for n in range(6) for k in range(3)]


def _trained(example: Example) -> list[str]:
    return [example.text[start:end] for start, end in example.spans]


def test_a_sequence_with_a_wrong_call_is_repeated_and_trains_only_on_it() -> None:
    rows = focus_examples(EXAMPLES, CASES, {"c1/1", "c4/0", "c4/2"}, repeat=3, replay=2, seed=1)

    focused = [row for row in rows if row.conversation in ("c1", "c4")]
    assert len(rows) == 2 * 3 + 2 and len(focused) == 6
    c1 = next(row for row in focused if row.conversation == "c1")
    assert _trained(c1) == ["t1.1|"] and c1.targets == [EXAMPLES[1].targets[1]]
    assert c1.text == EXAMPLES[1].text[: EXAMPLES[1].spans[1][1]]  # nothing after the target
    c4 = next(row for row in focused if row.conversation == "c4")
    assert _trained(c4) == ["t4.0|", "t4.2|"] and c4.text == EXAMPLES[4].text
    replayed = [row for row in rows if row.conversation not in ("c1", "c4")]
    assert len(replayed) == 2 and all(row in EXAMPLES for row in replayed)  # trained whole
    assert EXAMPLES[1] == _example(1)  # the source sequence is left as it was


def test_the_same_seed_gives_the_same_set_and_the_replay_is_capped() -> None:
    def run(seed: int) -> list[str]:
        rows = focus_examples(EXAMPLES, CASES, {"c0/0"}, repeat=2, replay=3, seed=seed)
        return [row.conversation for row in rows]

    assert run(1) == run(1)
    assert {tuple(run(seed)) for seed in range(8)} != {tuple(run(1))}
    rows = focus_examples(EXAMPLES, CASES, {"c0/0"}, repeat=1, replay=50)
    assert sorted(row.conversation for row in rows) == [f"c{n}" for n in range(6)]


@pytest.mark.parametrize(
    ("wrong", "cases", "message"),
    [
        ({"c9/0"}, CASES, "not training cases, e.g. 'c9/0'"),
        ({"c0/0"}, [{"id": "c0/0", "position": [0, 7]}], "points at [0, 7], outside the data"),
        ({"c0/0"}, [{"id": "c0/0", "position": [6, 0]}], "points at [6, 0], outside the data"),
        ({"c0/0"}, [{"id": "c0/0", "position": [2, 0]}], "points into another dialogue"),
    ],
)
def test_cases_that_do_not_match_the_data_are_refused(
    wrong: set[str], cases: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        focus_examples(EXAMPLES, cases, wrong)


def _report(*columns: str) -> dict[str, Any]:
    rows = [
        {"case_id": "a", "expected_tool": "get_order_details", "tool_correct": False},
        {"case_id": "b", "expected_tool": "cancel_pending_order", "tool_correct": True},
        {"case_id": "c", "expected_tool": None, "tool_correct": False},  # a reply: no tool
    ]
    return {"models": {name: {"cases": rows} for name in columns}}


def test_wrong_calls_are_the_wrong_tools_of_the_fine_tuned_column() -> None:
    assert wrong_calls(_report("base + grammar", "fine-tuned + grammar")) == {"a"}
    assert wrong_calls(_report("x", "y"), "y") == {"a"}
    with pytest.raises(ValueError, match=r"focus on \(--model\); the report has \['x', 'y'\]"):
        wrong_calls(_report("x", "y"))
    with pytest.raises(ValueError, match="the report has no column 'z'"):
        wrong_calls(_report("x"), "z")


def test_the_focus_command_writes_the_set_and_its_record(model_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assistant.cli.finetune import app
    from assistant.finetune.datagen import write_jsonl

    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(data / "train.jsonl", [example.to_json() for example in EXAMPLES])
    write_jsonl(data / "train_cases.jsonl", CASES)
    (data / "manifest.json").write_text(json.dumps({"seed": 0, "fingerprint": "f00d"}))
    report = tmp_path / "report.json"
    rows = [{"case_id": "c1/1", "expected_tool": "tool1", "tool_correct": False}]
    report.write_text(json.dumps({"models": {"base": {"cases": []}, "tuned": {"cases": rows}}}))
    out = tmp_path / "focused"
    args = ["focus", str(report), "--data-dir", str(data), "--out", str(out), "--replay", "2"]

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in (out / "train.jsonl").read_text().splitlines()]
    assert len(written) == 3 + 2
    assert sum(row["spans"] == [list(EXAMPLES[1].spans[1])] for row in written) == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["fingerprint"] == "f00d" and manifest["focus"]["wrong_calls"] == 1
    assert manifest["splits"]["train"]["tokens"] == sum(row["tokens"] for row in written) > 0

    report.write_text(json.dumps(_report("x", "y")))
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2 and "name the column to focus on" in refused.output
    refused = CliRunner().invoke(app, [*args[:4], "--out", str(data)])
    assert refused.exit_code == 2 and "--out is the data folder" in refused.output
