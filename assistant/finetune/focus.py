"""Focus a training stage on the tool choices an adapter gets wrong (hard-example mining).

`finetune data --train-cases N` writes, beside `train.jsonl`, the training split's call
requests as eval cases (`train_cases.jsonl`, see `datagen.call_cases`), each with its place in
`train.jsonl`. `finetune eval --cases` runs an adapter on them through vLLM, as on the dev
split. `finetune focus` then writes a training set from that report: every sequence that holds
a wrong tool choice, trained only on those targets and repeated, among a sample of other
sequences trained whole, so that a stage continued on it sharpens those decisions without
forgetting the rest. The requests are fresh dialogues, none of them dev's.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from assistant.finetune.examples import Example


def wrong_calls(report: dict[str, Any], model: str | None = None) -> set[str]:
    """Ids of the cases where `model` (a column of an eval report) called the wrong tool.

    Without `model`, the report must hold exactly one column that is not the base model's.

    Raises:
        ValueError: the column is missing or ambiguous; the error lists the columns.
    """
    models = report.get("models") or {}
    if model is None:
        tuned = [name for name in models if not name.startswith("base")]
        if len(tuned) != 1:
            names = list(models)
            raise ValueError(f"name the column to focus on (--model); the report has {names}")
        model = tuned[0]
    if model not in models:
        raise ValueError(f"the report has no column {model!r}; it has {list(models)}")
    return {
        row["case_id"]
        for row in models[model]["cases"]
        if row["expected_tool"] and not row["tool_correct"]
    }


def focus_examples(
    examples: Sequence[Example],
    cases: Sequence[dict[str, Any]],
    wrong: Collection[str],
    *,
    repeat: int = 3,
    replay: int = 40,
    seed: int = 1,
) -> list[Example]:
    """The focused training set, shuffled: each sequence holding a wrong case `repeat` times,
    trained only on those cases' targets and cut after the last, and `replay` other
    sequences (a seeded sample) trained on all their targets.

    Args:
        examples: The sequences of `train.jsonl`, in order.
        cases: The cases of `train_cases.jsonl`; each has `position`: [sequence, target].
        wrong: Ids of the cases whose tool was wrong (`wrong_calls`).

    Raises:
        ValueError: a wrong id is not among the cases, or its position is outside `examples`
            or in another dialogue's sequence (cases written with other data).
    """
    if repeat < 1 or replay < 0:
        raise ValueError(f"repeat must be 1 or more and replay 0 or more, got {repeat}, {replay}")
    positions = {case["id"]: case["position"] for case in cases}
    unknown = sorted(set(wrong) - positions.keys())
    if unknown:
        raise ValueError(f"{len(unknown)} wrong cases are not training cases, e.g. {unknown[0]!r}")
    targets: dict[int, list[int]] = {}
    for case_id in wrong:
        sequence, target = positions[case_id]
        if not (0 <= sequence < len(examples) and 0 <= target < len(examples[sequence].spans)):
            raise ValueError(f"case {case_id!r} points at {[sequence, target]}, outside the data")
        if examples[sequence].conversation != case_id.rsplit("/", 1)[0]:
            raise ValueError(f"case {case_id!r} points into another dialogue: cases of other data")
        targets.setdefault(sequence, []).append(target)
    focused = [_only(examples[n], sorted(kept)) for n, kept in sorted(targets.items())]
    others = [example for n, example in enumerate(examples) if n not in targets]
    rng = random.Random(seed)
    rows = focused * repeat + rng.sample(others, min(replay, len(others)))
    rng.shuffle(rows)
    return rows


def _only(example: Example, kept: Sequence[int]) -> Example:
    """`example` trained only on the targets numbered `kept`, its text cut after the last."""
    spans = [example.spans[n] for n in kept]
    return replace(
        example,
        text=example.text[: spans[-1][1]],
        spans=spans,
        targets=[example.targets[n] for n in kept],
    )
