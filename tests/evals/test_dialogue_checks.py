"""Turn, argument and end-state checks of the dialogue evals, and the invented-argument rule."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from evals.dialogues.checks import Call, check_value, state_problems, turn_problems, wrong_writes
from evals.dialogues.invented import Transcript, inventions
from evals.dialogues.load import DialogueFileError, load_dialogues, load_file, select
from evals.dialogues.model import SCHEMA_PATH, Check, FinalState, TurnExpect, json_schema


def test_argument_constraints() -> None:
    assert check_value(["b", "a"], ["A", "B"]) == []  # a multiset, case-insensitive
    assert check_value(["a"], ["a", "a"])
    assert check_value(49.99, Check(lte=50)) == []
    assert check_value(50.01, Check(lte=50)) == ["is 50.01, expected at most 50.0"]
    assert check_value("Blue cotton tee", Check(contains="cotton", not_contains=["red"])) == []
    assert check_value("red tee", Check(contains_any=["blue", "green"]))
    assert check_value(None, Check(absent=True)) == []
    from evals.dialogues.checks import _MISSING

    assert check_value(_MISSING, "#W1") == ["is missing (expected '#W1')"]


def test_a_turn_lists_every_miss() -> None:
    expect = TurnExpect.model_validate(
        {
            "calls": [
                {"tool": "return_delivered_order_items", "status": "pending",
                 "args": {"order_id": "#W1", "item_ids": ["1"]}},
            ],
            "no_calls": ["cancel_pending_order"],
            "pending": "return_delivered_order_items",
            "reply": {"contains_any": ["confirm", "yes"], "not_contains": ["exchange"]},
        }
    )  # fmt: skip
    good = [Call("return_delivered_order_items", "pending", {"order_id": "#W1", "item_ids": ["1"]})]
    reply = "I'm about to request a return. Reply 'yes' to confirm."
    assert turn_problems(expect, good, "return_delivered_order_items", reply) == []
    bad = [
        Call("return_delivered_order_items", "ok", {"order_id": "#W1", "item_ids": ["2"]}),
        Call("cancel_pending_order", "pending", {"order_id": "#W1"}),
    ]
    problems = turn_problems(expect, bad, None, "the exchange is done")
    assert problems == [
        "return_delivered_order_items: ended ok, expected pending; "
        "item_ids is ['2'], expected ['1']",
        "cancel_pending_order was called",
        "pending is none, expected return_delivered_order_items",
        "reply has none of ['confirm', 'yes']",
        "reply says 'exchange'",
    ]
    changes = frozenset({"return_delivered_order_items", "cancel_pending_order"})
    assert [c.name for c in wrong_writes(expect, bad, changes)] == ["return_delivered_order_items"]


def test_end_state_names_what_changed() -> None:
    before = {
        "orders": {
            "#W1": {"status": "delivered", "items": [{"item_id": "1"}], "address": {"zip": "1"}},
            "#W2": {"status": "pending", "items": [], "address": {}},
        },
        "users": {"u": {"address": {"zip": "1"}}},
    }
    after = copy.deepcopy(before)
    after["orders"]["#W1"]["status"] = "return requested"
    after["orders"]["#W1"]["return_items"] = ["1"]
    final = FinalState.model_validate(
        {"orders": {"#W1": {"status": "return requested", "return_items": ["1"]}}, "cart": []}
    )
    assert state_problems(final, before, after, []) == []
    after["orders"]["#W2"]["status"] = "cancelled"
    problems = state_problems(final, before, after, [("9", 1)])
    assert problems == ["order #W2 changed", "cart is {'9': 1}, expected {}"]


def test_a_refund_to_the_owners_gift_card_is_not_an_unexpected_change() -> None:
    before = {
        "orders": {"#W1": {"status": "pending", "user_id": "u", "items": [], "address": {}}},
        "users": {
            "u": {"address": {"zip": "1"}, "payment_methods": {"gift_card_1": {"balance": 10.0}}},
            "v": {"address": {"zip": "2"}, "payment_methods": {"gift_card_2": {"balance": 10.0}}},
        },
    }
    after = copy.deepcopy(before)
    after["orders"]["#W1"]["status"] = "cancelled"
    after["users"]["u"]["payment_methods"]["gift_card_1"]["balance"] = 60.0
    final = FinalState.model_validate({"orders": {"#W1": {"status": "cancelled"}}})
    assert state_problems(final, before, after, []) == []
    after["users"]["u"]["address"]["zip"] = "9"
    after["users"]["v"]["payment_methods"] = {"gift_card_2": {"balance": 0.0}}
    assert state_problems(final, before, after, []) == ["user u changed", "user v changed"]


def test_invented_arguments_have_no_source_in_the_conversation() -> None:
    said = Transcript(shopper=["my wife loves yoga, any ideas for her birthday?"])
    lookup = {"first_name": "wife", "last_name": "Lind", "zip": "456"}
    found = inventions("find_user_id_by_name_zip", lookup, said)
    # "wife" is the shopper's word, but not a name they gave: the lookup itself is what the
    # engine must not offer; the metric counts the values nothing contained.
    assert [(i.argument, i.kind) for i in found] == [("last_name", "identity"), ("zip", "identity")]
    assert [i.value for i in inventions("search_products", {"query": "platter"}, said)] == [
        "platter"
    ]
    assert inventions("search_products", {"query": "yoga birthday ideas"}, said) == []
    typo = Transcript(shopper=["any wireles headphnes?"])
    assert inventions("search_products", {"query": "wireless headphones"}, typo) == []
    shown = Transcript(shopper=["where is order W12345"], shown=['{"order_id": "#W12345"}'])
    assert inventions("get_order_details", {"order_id": "#W12345"}, shown) == []
    assert inventions("get_order_details", {"order_id": "#W0000000"}, shown)[0].kind == "other"
    assert inventions("transfer_to_human_agents", {"summary": "wants a person"}, shown) == []


def test_the_dialogue_files_are_valid_and_the_schema_is_current() -> None:
    dialogues = load_dialogues()
    assert len(dialogues) >= 100
    assert {d.split for d in dialogues} == {"dev", "test"}
    import json

    assert json.loads(SCHEMA_PATH.read_text()) == json_schema()


def test_a_bad_file_says_where_and_why(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "dialogues:\n"
        "  - id: x\n"
        "    category: search\n"
        "    title: t\n"
        "    turns:\n"
        "      - user: hi\n"
        "        expect:\n"
        "          calls:\n"
        "            - {tool: search_products, status: later}\n"
    )
    with pytest.raises(DialogueFileError) as err:
        load_file(path)
    assert str(err.value).startswith(f"{path}:9: dialogues.0.turns.0.expect.calls.0.status:")
    path.write_text("dialogues: [\n")
    with pytest.raises(DialogueFileError, match=r"bad.yaml:2: not valid YAML"):
        load_file(path)


def test_a_product_read_off_a_named_item_is_not_invented() -> None:
    said = Transcript(
        shopper=["i got these sneakers 2509076505, show me similar"],
        product_of={"2509076505": "7471004230", "1111111111": "9999999999"},
    )
    assert inventions("similar_products", {"product_id": "7471004230"}, said) == []
    [made_up] = inventions("similar_products", {"product_id": "9999999999"}, said)
    assert made_up.value == "9999999999" and made_up.kind == "other"


def test_dialogues_are_chosen_by_category_id_or_id_pattern() -> None:
    dialogues = load_dialogues()
    faq = select(dialogues, "faq")
    assert faq and all(d.category == "faq" for d in faq)
    one = dialogues[0]
    assert select(dialogues, one.id) == [one]
    dev_faq = select(dialogues, "dev-faq-*")
    assert dev_faq and all(d.id.startswith("dev-faq-") for d in dev_faq)
    with pytest.raises(DialogueFileError, match="no dialogue"):
        select(dialogues, "nothing-like-this-*")
