"""The checker eval's planting rules and scoring, on the hand-made catalog."""

from __future__ import annotations

import random

import pytest

from assistant.copy import CopyDraft, Finding
from evals.copy.cases import Case, Planted
from evals.copy.plant import Catalog
from evals.copy.rules import RULES
from evals.copy.score import score
from retrieval.catalog import Product

CLEAN = Case(
    "mug-clean",
    "mug",
    "hand",
    CopyDraft(
        title="Emberware Travel Mug",
        short_description="A stainless steel travel mug in red or white, 350ml or 500ml.",
        bullets=["From $24.99", "Every version is in stock"],
        meta_description="Emberware travel mug. $24.99 to $29.99.",
    ),
)


@pytest.mark.parametrize("kind", sorted(RULES))
def test_every_rule_records_the_span_of_what_it_planted(
    catalog: dict[str, Product], kind: str
) -> None:
    products = list(catalog.values())
    planted = RULES[kind](CLEAN, catalog["mug"], Catalog(products), random.Random(3))
    assert planted is not None, kind
    (error,) = planted.planted
    assert error.kind == kind
    assert planted.draft.text_of(error.field)[error.start : error.end] == error.text
    assert planted.draft != CLEAN.draft
    own = {v.lower() for variant in catalog["mug"].variants for v in variant.options.values()}
    assert error.text.lower() not in own | {"emberware", "travel mug", "$24.99", "$29.99"}


def test_findings_on_the_planted_span_are_true_and_others_false() -> None:
    case = Case("c", "mug", "hand", CopyDraft(short_description="A travel mug in olive."))
    case.planted.append(Planted("short_description", 16, 21, "color", "olive", "replace"))

    def finding(start: int, end: int) -> Finding:
        return Finding(
            field="short_description", start=start, end=end, text="x", kind="option", reason="r"
        )

    result = score([(case, [finding(16, 21), finding(2, 8)])])
    assert result.detected["color"] == 1 and result.recall == 1.0
    assert result.true_findings["option"] == 1 and result.false_findings["option"] == 1
    assert result.precision == 0.5
