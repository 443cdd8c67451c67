"""The hand-written eval dialogues do not share their wording with the training data.

Measured as word 4-gram overlap (`evals.dialogues.overlap`) between every shopper message of
`evals/dialogues/` and every shopper message `shopassist finetune data` generates with its
defaults (110 training and 24 dev dialogues, seed 0), plus every phrasing template those
messages are filled from (so templates the default run did not draw count too). Thresholds:
no eval message has more than half of its 4-grams in the training data, and on average less
than 5% are; stock phrases ("i want to return the") are what remains.
"""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from assistant.finetune import datagen
from assistant.finetune.phrasebook import FAMILIES, FAQ_QUESTIONS, REASONS
from evals.dialogues.load import load_dialogues
from evals.dialogues.overlap import overlaps

pytestmark = pytest.mark.slow

MAX_SHARE = 0.5
MAX_MEAN_SHARE = 0.05


def _templates() -> list[str]:
    texts = [t for family in FAMILIES for t in family.templates]
    texts += [q for questions in FAQ_QUESTIONS.values() for q, _ in questions]
    return texts + [r for split in REASONS.values() for rs in split.values() for r in rs]


def _generated(world_factory: Any, renderer: Any) -> list[str]:
    messages: set[str] = set()
    for split, count in (("train", 110), ("dev", 24)):
        data = datagen.generate_split(world_factory(), renderer, split, count, seed=0)
        for record in data.records:
            messages.update(str(m["content"]) for m in record.messages if m.get("role") == "user")
    return sorted(messages)


def test_eval_messages_are_not_the_training_data(world_factory: Any, renderer: Any) -> None:
    training = _generated(world_factory, renderer)
    assert len(training) > 500
    messages = [turn.user for dialogue in load_dialogues() for turn in dialogue.turns]
    found = overlaps(messages, [*training, *_templates()])
    worst = found[0]
    assert worst.share <= MAX_SHARE, f"{worst.message!r} shares {worst.shared}"
    mean = statistics.mean(o.share for o in found)
    assert mean < MAX_MEAN_SHARE, f"mean 4-gram overlap {mean:.3f}"
