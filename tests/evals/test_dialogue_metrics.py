"""pass^k and the eval aggregates, on inputs computed by hand."""

from __future__ import annotations

import pytest

from evals.dialogues.metrics import by_group, pass_hat_k, percentile, summarise
from evals.dialogues.results import (
    CallRecord,
    DialogueResult,
    EvalRun,
    InventionRecord,
    TurnResult,
)


def test_pass_hat_k_is_the_chance_that_k_trials_all_succeed() -> None:
    # Task A: 3 of 3; B: 2 of 3; C: 0 of 3.
    tasks = [(3, 3), (2, 3), (0, 3)]
    assert pass_hat_k(tasks, 1) == pytest.approx((1 + 2 / 3 + 0) / 3)
    # C(2,2)/C(3,2) = 1/3 for B.
    assert pass_hat_k(tasks, 2) == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert pass_hat_k(tasks, 3) == pytest.approx(1 / 3)
    # With n = 5 trials and c = 3: pass^2 = C(3,2)/C(5,2) = 3/10.
    assert pass_hat_k([(3, 5)], 2) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="pass\\^3 from 1 successes in 2 trials"):
        pass_hat_k([(1, 2)], 3)


def _turn(index: int, passed: bool, **kw: object) -> TurnResult:
    return TurnResult(
        index=index,
        user="hi",
        reply="hello",
        source="model",
        problems=[] if passed else ["x was not called"],
        **kw,  # type: ignore[arg-type]
    )


def _run() -> EvalRun:
    wrong = _turn(1, True, wrong_writes=["cancel_pending_order"], seconds=4.0)
    invented = InventionRecord(
        tool="search_products", argument="query", value="platter", kind="search"
    )
    results = [
        # "a" passes both trials; "b" passes one of two, and its failure ran a wrong write.
        DialogueResult(id="a", category="search", split="dev", tags=["typo"], trial=0,
                       turns=[_turn(0, True, seconds=1.0, prompt_tokens=100,
                                    completion_tokens=10)]),
        DialogueResult(id="a", category="search", split="dev", tags=["typo"], trial=1,
                       turns=[_turn(0, True, seconds=2.0, prompt_tokens=100,
                                    completion_tokens=10)]),
        DialogueResult(id="b", category="cancel", split="test", trial=0,
                       turns=[_turn(0, True, seconds=3.0), wrong]),
        DialogueResult(id="b", category="cancel", split="test", trial=1,
                       turns=[_turn(0, False, seconds=5.0, inventions=[invented],
                                    calls=[CallRecord(name="search_products", status="ok")]),
                              _turn(1, True, seconds=6.0, grounding_failed=True)]),
    ]  # fmt: skip
    return EvalRun(
        label="t", model="m", base_url="u", k=2, started="now", seconds=1, results=results
    )


def test_summary_counts_by_hand() -> None:
    figures = summarise(_run())
    assert figures["dialogues"] == 2 and figures["trials"] == 2 and figures["turns"] == 6
    # a: 2/2, b: 0/2 (trial 0 ran a wrong write, trial 1 missed a call).
    assert figures["pass^1"] == pytest.approx(0.5)
    assert figures["pass^2"] == pytest.approx(0.5)
    assert figures["turn_success"] == pytest.approx(round(4 / 6, 4))
    assert figures["wrong_writes_executed"] == 1
    assert figures["invented_arguments"] == {"search": 1}
    assert figures["grounding_failures"] == 1
    # Latencies 1, 2, 3, 4, 5, 6: median 3.5, p95 by linear interpolation 5.75.
    assert figures["turn_seconds_p50"] == 3.5 and figures["turn_seconds_p95"] == 5.75
    assert figures["prompt_tokens"] == 200 and figures["completion_tokens"] == 20


def test_figures_by_category_and_tag() -> None:
    groups = by_group(_run(), "category")
    assert groups["search"]["pass^1"] == 1.0 and groups["cancel"]["pass^1"] == 0.0
    assert by_group(_run(), "tags")["typo"]["dialogues"] == 1
    assert percentile([], 50) is None


def test_a_comparison_shows_both_runs_split_by_split() -> None:
    from evals.dialogues.report import compare

    before = _run()
    after = before.model_copy(update={"label": "u", "results": before.results[:2]})
    text = compare(before, after)
    assert "| measure | t (k=2) | u (k=2) |" in text
    assert "## dev split" in text and "## test split" not in text  # "u" ran no test dialogue
    assert "`b`" not in text  # "b" is held out: counted, never named
    worse = after.model_copy(update={"results": [before.results[0], before.results[2]]})
    assert "`b`" not in compare(before, worse)


def test_reports_do_not_name_held_out_failures() -> None:
    from evals.dialogues.report import _failures

    run = _run()
    run.results[0] = run.results[0].model_copy(update={"turns": [_turn(0, False, seconds=1.0)]})
    text = _failures(run)
    assert "`a` (dev)" in text and "`b`" not in text
    assert "1 test-split dialogue(s) failed, not listed" in text


def test_figures_by_store_and_split() -> None:
    run = _run()
    run.results[2].store = run.results[3].store = "beanleaf"
    groups = by_group(run, "store_split")
    assert sorted(groups) == ["beanleaf test", "tau2 dev"]
    assert groups["tau2 dev"]["pass^1"] == 1.0 and groups["beanleaf test"]["pass^1"] == 0.0
