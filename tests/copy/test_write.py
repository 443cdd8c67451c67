"""The write-check-rewrite loop with a scripted model: regenerates with the findings, and
returns the problems when attempts run out."""

from __future__ import annotations

import json

import pytest

from assistant.copy import CopyChecker, CopyGenerationError, CopyRequest, write_copy
from assistant.llm.scripted import ScriptedModel
from retrieval.catalog import Product

REQUEST = CopyRequest(product_id="mug", tone="warm")


def _reply(description: str, title: str = "Emberware Travel Mug") -> str:
    return json.dumps(
        {
            "title": title,
            "short_description": description,
            "bullets": ["350ml or 500ml", "Red or white"],
            "meta_description": "Emberware travel mug in red or white, from $24.99.",
        }
    )


FAITHFUL = _reply("A stainless steel travel mug in red or white, from $24.99.")
WRONG_COLOUR = _reply("A stainless steel travel mug in olive, from $24.99.")
TWO_WRONG = _reply("An organic travel mug in olive, from $19.99.")


def test_a_failing_draft_is_rewritten_with_its_findings(
    checker: CopyChecker, catalog: dict[str, Product]
) -> None:
    model = ScriptedModel([WRONG_COLOUR, FAITHFUL])
    result = write_copy(model, catalog["mug"], REQUEST, checker)
    assert result.passed and result.findings == []
    assert "red or white" in result.draft.short_description
    assert [len(a.findings) for a in result.attempts] == [1, 0]
    retry = model.requests[1].messages
    assert retry[-2] == {"role": "assistant", "content": WRONG_COLOUR}
    assert "'olive'" in retry[-1]["content"] and "short_description" in retry[-1]["content"]
    assert model.remaining == 0


def test_when_attempts_run_out_the_best_draft_comes_back_with_its_problems(
    checker: CopyChecker, catalog: dict[str, Product]
) -> None:
    model = ScriptedModel([TWO_WRONG, WRONG_COLOUR, TWO_WRONG])
    result = write_copy(model, catalog["mug"], REQUEST, checker, max_attempts=3)
    assert not result.passed
    assert len(result.attempts) == 3 and len(model.requests) == 3
    assert (
        "olive" in result.draft.short_description
        and "organic" not in result.draft.short_description
    )
    assert [f.text for f in result.findings] == ["olive"]


def test_an_unreadable_reply_is_retried_with_the_parse_error(
    checker: CopyChecker, catalog: dict[str, Product]
) -> None:
    model = ScriptedModel(["Here is a lovely listing for your mug!", FAITHFUL])
    result = write_copy(model, catalog["mug"], REQUEST, checker)
    assert result.passed
    assert result.attempts[0].draft is None and "not valid JSON" in (result.attempts[0].error or "")
    assert "not valid JSON" in model.requests[1].messages[-1]["content"]


def test_no_readable_reply_at_all_is_an_error(
    checker: CopyChecker, catalog: dict[str, Product]
) -> None:
    model = ScriptedModel(["no", "still no"])
    with pytest.raises(CopyGenerationError, match="no usable draft in 2 attempts") as caught:
        write_copy(model, catalog["mug"], REQUEST, checker, max_attempts=2)
    assert [a.number for a in caught.value.attempts] == [1, 2]


def test_fields_not_asked_for_are_cleared(
    checker: CopyChecker, catalog: dict[str, Product]
) -> None:
    request = CopyRequest(product_id="mug", fields=["title"])
    # The stray description would fail the check; it is not part of what was asked.
    model = ScriptedModel([_reply("Made of cork.", title="Emberware Travel Mug")])
    result = write_copy(model, catalog["mug"], request, checker)
    assert result.passed and result.draft.short_description == "" and result.draft.bullets == []


def test_attempts_must_be_positive(checker: CopyChecker, catalog: dict[str, Product]) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        write_copy(ScriptedModel([]), catalog["mug"], REQUEST, checker, max_attempts=0)
