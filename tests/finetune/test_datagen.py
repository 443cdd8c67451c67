"""Training data generation: deterministic, split by phrasing family, calls valid and parseable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.finetune import answers, datagen
from assistant.finetune.datagen import generate, read_jsonl, run_dialogue, shoppers
from assistant.finetune.examples import END_OF_TURN
from assistant.finetune.oracle import PlanError, say
from assistant.finetune.phrasebook import phrasebook
from assistant.finetune.scenarios import Turn
from assistant.tools import default_registry

pytestmark = pytest.mark.slow

TRAIN, DEV = 4, 2
_CALL = re.compile(r"^<tool_call>(.*)</tool_call><\|im_end\|>$", re.DOTALL)


@pytest.fixture(scope="module")
def generated(world_factory: Any, renderer: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small generated data set (seed 3)."""
    out = tmp_path_factory.mktemp("ft-gen-a")
    generate(world_factory(), renderer, out, train_dialogues=TRAIN, dev_dialogues=DEV, seed=3)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    names = ("train.jsonl", "dev.jsonl", "dev_cases.jsonl")
    return {name: (folder / name).read_bytes() for name in names}


def test_same_seed_gives_identical_data_and_another_seed_does_not(
    generated: Path, world_factory: Any, renderer: Any, tmp_path: Path
) -> None:
    again = tmp_path / "again"
    generate(world_factory(), renderer, again, train_dialogues=TRAIN, dev_dialogues=DEV, seed=3)
    assert _files(again) == _files(generated)
    other = tmp_path / "other"
    generate(world_factory(), renderer, other, train_dialogues=TRAIN, dev_dialogues=DEV, seed=4)
    assert _files(other)["train.jsonl"] != _files(generated)["train.jsonl"]


def test_splits_use_disjoint_phrasing_families_and_shoppers(
    generated: Path, world_factory: Any
) -> None:
    manifest = json.loads((generated / "manifest.json").read_text())
    split_of = {f.name: f.split for fs in phrasebook().by_intent.values() for f in fs}
    for split in ("train", "dev"):
        families = manifest["splits"][split]["families"]
        assert families, f"no families recorded for {split}"
        assert {split_of[f] for f in families} == {split}
    pools = shoppers(world_factory(), seed=3)
    train_users = {u["user_id"] for u in pools["train"]}
    assert train_users.isdisjoint(u["user_id"] for u in pools["dev"])


def _target_spans(folder: Path, name: str) -> list[str]:
    spans = []
    for row in read_jsonl(folder / name):
        for start, end in row["spans"]:
            spans.append(row["text"][start:end])
            assert row["text"][:start].endswith("<|im_start|>assistant\n")
    return spans


def test_every_generated_call_validates_against_the_live_registry(generated: Path) -> None:
    registry = default_registry()
    calls = 0
    for name in ("train.jsonl", "dev.jsonl"):
        for span in _target_spans(generated, name):
            assert span.endswith(END_OF_TURN)
            match = _CALL.match(span)
            if match is None:
                assert "<tool_call>" not in span
                continue
            (call,) = json.loads(match.group(1))
            normalised = (
                registry.get(call["name"]).validate(call["arguments"]).model_dump(mode="json")
            )
            assert call["arguments"] == normalised
            calls += 1
    assert calls >= TRAIN  # every dialogue calls at least one tool
    for case in read_jsonl(generated / "dev_cases.jsonl"):
        target = case["target"]
        if target["kind"] == "call":
            registry.get(target["name"]).validate(target["arguments"])


def test_rendered_calls_parse_back_with_the_xlam_parser(generated: Path, tokenizer: Any) -> None:
    from vllm.tool_parsers.xlam_tool_parser import xLAMToolParser

    parser = xLAMToolParser(tokenizer)
    parsed = 0
    for span in _target_spans(generated, "train.jsonl"):
        text = span.removesuffix(END_OF_TURN)
        match = _CALL.match(span)
        result = parser.extract_tool_calls(text, request=None)
        if match is None:
            assert not result.tools_called
            continue
        (expected,) = json.loads(match.group(1))
        assert result.tools_called and len(result.tool_calls) == 1
        call = result.tool_calls[0].function
        assert call.name == expected["name"]
        assert json.loads(call.arguments) == expected["arguments"]
        parsed += 1
    assert parsed > 0


def test_an_answer_stating_an_unseen_price_fails_the_plan(world_factory: Any) -> None:
    world = world_factory()
    conv = datagen.new_conversation(world, "train", 0, seed=9, user=world.users[0])

    def invented(conv: Any) -> Any:
        yield Turn("Do you sell water bottles?", [say("answer", "Yes, from $1.23.")], "x", "x")

    with pytest.raises(PlanError, match="grounding"):
        run_dialogue(world, conv, lambda conv: [invented], "ft-test-invented")


ORDER_INTENTS = {
    "status", "cancel", "return", "exchange", "modify_items",
    "order_address", "user_address", "payment", "profile",
}  # fmt: skip


@pytest.fixture(scope="module")
def forty(world_factory: Any, renderer: Any) -> datagen.SplitData:
    """Forty generated training dialogues (seed 0), enough to count how dialogues open."""
    return datagen.generate_split(world_factory(), renderer, "train", 40, seed=0)


def test_product_searches_open_more_dialogues_than_order_requests(
    forty: datagen.SplitData,
) -> None:
    """Order requests open with the sign-in request and often name a product; the data keeps
    first-turn product requests met by a search more frequent, or the model learns to answer
    "show me t-shirts" by asking the shopper to sign in."""
    openings = datagen.statistics(forty)["openings"]
    order_first = sum(n for intent, n in openings.items() if intent in ORDER_INTENTS)
    assert order_first > 0, openings
    assert openings.get("search", 0) >= order_first, openings


def test_a_shopper_who_signs_in_first_is_not_asked_again(forty: datagen.SplitData) -> None:
    """Some shoppers give their email (or name and zip) before saying what they want: the
    lookup runs at once, and no later request of the dialogue asks them to sign in."""
    signed_in_first = [d for d in forty.dialogues if datagen.opening(d) == "sign_in"]
    assert signed_in_first, datagen.statistics(forty)["openings"]
    for dialogue in signed_in_first:
        first, *later = dialogue.records
        assert first.target.name in {"find_user_id_by_email", "find_user_id_by_name_zip"}
        asks = {r.target.text for r in later if r.target.kind == "ask"}
        sign_in_requests = {answers.ASK_IDENTITY, answers.ASK_IDENTITY_NOT_USER_ID}
        assert not asks & sign_in_requests, dialogue.conversation


def test_cart_removals_are_in_the_data(forty: datagen.SplitData) -> None:
    """A removal picked while the cart is empty adds an item first, so removals (and their
    confirmation turn) are trained on, not only met in the dev split."""
    by_tool = datagen.statistics(forty)["by_tool"]
    assert by_tool.get("remove_from_cart", 0) >= 1, by_tool


def test_call_cases_point_at_their_targets_in_the_training_sequences(
    forty: datagen.SplitData,
) -> None:
    """`finetune focus` trains on the sequence and target a case names: every call after a
    tool result is a case, then a seeded sample of those after a message."""
    examples = forty.examples
    cases = datagen.call_cases(forty, sample=5, seed=0)
    after_tool = [c for c in cases if c["messages"][-1]["role"] == "tool"]
    every = [r for r in forty.records if r.target.kind == "call"]
    assert len(after_tool) == sum(r.messages[-1]["role"] == "tool" for r in every) > 0
    assert cases[: len(after_tool)] == after_tool and len(cases) == len(after_tool) + 5
    for case in cases:
        sequence, target = case["position"]
        start, end = examples[sequence].spans[target]
        assert examples[sequence].conversation == case["id"].split("/")[0]
        assert examples[sequence].targets[target]["tool"] == case["tool"] == case["target"]["name"]
        call = f'<tool_call>[{{"name": "{case["tool"]}"'
        assert examples[sequence].text[start:end].startswith(call)
    assert cases == datagen.call_cases(forty, sample=5, seed=0)
    assert cases != datagen.call_cases(forty, sample=5, seed=1)


def test_a_rerun_without_train_cases_drops_the_earlier_ones(
    world_factory: Any, renderer: Any, tmp_path: Path
) -> None:
    """Cases left from an earlier run would point into sequences that are no longer there."""
    cases = tmp_path / datagen.TRAIN_CASES
    generate(world_factory(), renderer, tmp_path, train_dialogues=2, dev_dialogues=1, train_cases=2)
    assert read_jsonl(cases)
    generate(world_factory(), renderer, tmp_path, train_dialogues=2, dev_dialogues=1)
    assert not cases.exists()


def test_a_later_stage_starts_where_an_earlier_one_stopped(
    forty: datagen.SplitData, world_factory: Any, renderer: Any
) -> None:
    """Dialogue i depends only on (seed, split, i): dialogues generated from a start number
    are the same dialogues a run from 0 wrote at those numbers, so stages of training can take
    data no earlier stage saw."""
    later = datagen.generate_split(world_factory(), renderer, "train", 3, seed=0, start=37)
    expected = [d for d in forty.dialogues if d.conversation >= "ft-train-0037"]
    assert [d.conversation for d in later.dialogues] == [d.conversation for d in expected]
    assert [e.to_json() for d in later.dialogues for e in d.examples] == [
        e.to_json() for d in expected for e in d.examples
    ]


def test_past_the_shopper_pool_shoppers_come_round_with_new_dialogues(
    world_factory: Any, renderer: Any
) -> None:
    """Dialogue numbers beyond the pool are generated (its shoppers again), with new plans."""
    world = world_factory()
    size = len(shoppers(world, 0)["train"])
    wrapped = datagen.generate_split(world, renderer, "train", 1, seed=0, start=size)
    first = datagen.generate_split(world, renderer, "train", 1, seed=0)
    assert [d.conversation for d in wrapped.dialogues] == [f"ft-train-{size:04d}"]
    assert [e.to_json() for d in wrapped.dialogues for e in d.examples] != [
        e.to_json() for d in first.dialogues for e in d.examples
    ]


def test_a_negative_first_dialogue_number_is_refused(world_factory: Any, renderer: Any) -> None:
    """A negative start names no dialogue: a clear error, nothing generated."""
    with pytest.raises(ValueError, match="0 or more, got -1"):
        datagen.generate_split(world_factory(), renderer, "train", 1, seed=0, start=-1)


def test_emphasis_weighs_the_named_episodes_in_the_training_split_only(
    generated: Path, forty: datagen.SplitData, world_factory: Any, renderer: Any, tmp_path: Path
) -> None:
    """A stage aimed at a weak flow draws that episode more often; the dev split keeps the
    default mix, so it measures the same requests as before."""
    emphasised = datagen.generate_split(
        world_factory(), renderer, "train", 40, seed=0, emphasis={"return_items": 10.0}
    )
    returns = datagen.statistics(emphasised)["by_intent"].get("return", 0)
    assert returns > datagen.statistics(forty)["by_intent"].get("return", 0) + 5
    out = tmp_path / "emphasised"
    generate(
        world_factory(), renderer, out, train_dialogues=TRAIN, dev_dialogues=DEV, seed=3,
        train_emphasis={"return_items": 10.0},
    )  # fmt: skip
    assert (out / "dev_cases.jsonl").read_bytes() == (generated / "dev_cases.jsonl").read_bytes()
    assert (out / "dev.jsonl").read_bytes() == (generated / "dev.jsonl").read_bytes()
    assert json.loads((out / "manifest.json").read_text())["train_emphasis"] == {
        "return_items": 10.0
    }


def _signed_in_early(data: datagen.SplitData) -> tuple[int, int]:
    """Dialogues opened by signing in, and requests that carry the shopper's identity."""
    families = [str(t["family"]) for e in data.examples for t in e.targets]
    with_request = sum("idfirst" in family for family in families)
    return datagen.statistics(data)["openings"].get("sign_in", 0), with_request


def test_emphasis_weighs_openings_and_sign_in_modes(
    forty: datagen.SplitData, world_factory: Any, renderer: Any
) -> None:
    """A stage can leave sign-in for after the request: fewer dialogues open by signing in and
    fewer requests carry the identity, so the order is looked up messages after its request."""
    later = datagen.generate_split(
        world_factory(), renderer, "train", 40, seed=0,
        emphasis={"sign_in": 0.1, "identify_first": 0.1},
    )  # fmt: skip
    openings, with_request = _signed_in_early(forty)
    assert openings >= 6 and with_request >= 6
    later_openings, later_with_request = _signed_in_early(later)
    assert later_openings <= openings // 3
    assert later_with_request <= with_request // 3


def test_emphasis_weighs_episode_categories(
    forty: datagen.SplitData, world_factory: Any, renderer: Any
) -> None:
    """A stage aimed at order service can draw service episodes in every archetype more often:
    more service requests and fewer shopping ones than the default mix."""
    service = datagen.generate_split(
        world_factory(), renderer, "train", 40, seed=0, emphasis={"service": 5.0}
    )
    default, weighed = (datagen.statistics(d)["by_intent"] for d in (forty, service))
    writes = ("cancel", "return", "exchange", "modify_items", "order_address")
    assert sum(weighed.get(i, 0) for i in writes) > sum(default.get(i, 0) for i in writes) + 5
    assert weighed.get("search", 0) < default.get("search", 0)


@pytest.mark.parametrize(
    ("emphasis", "message"),
    [({"returns": 2.0}, "nothing named 'returns'"), ({"cancel": 0.0}, "more than 0, got 0.0")],
)
def test_an_unknown_name_or_a_factor_of_nothing_is_refused(
    world_factory: Any, renderer: Any, tmp_path: Path, emphasis: dict[str, float], message: str
) -> None:
    """Bad emphasis is a clear error before anything is written."""
    with pytest.raises(ValueError, match=message):
        generate(
            world_factory(), renderer, tmp_path, train_dialogues=1, dev_dialogues=1,
            train_emphasis=emphasis,
        )  # fmt: skip
    assert list(tmp_path.iterdir()) == []
