"""Scripted agents for τ² task 75 (exchange of delivered earbuds), right and wrong."""

from __future__ import annotations

from assistant.llm.scripted import ScriptedModel, call, say

ORDER = "#W6908222"
OLD_ITEM = "8555936349"  # blue, 8 hours, IPX4
RIGHT_ITEM = "4063058357"  # black, 4 hours, not resistant: the task's gold action
WRONG_ITEM = "9580569596"  # black, 4 hours, IPX7
EARBUDS = "9924732112"
PAYPAL = "paypal_4518393"


def task_75_agent(new_item: str = RIGHT_ITEM) -> ScriptedModel:
    """An agent that plays `evals/tau2/scripts/task_75.yaml` turn by turn.

    Turn 1 signs the shopper in and reads the order, turn 2 reads the product, turn 3 asks
    for the exchange (held for confirmation), turn 4 (the yes) reports it.
    """
    exchange = {
        "order_id": ORDER,
        "item_ids": [OLD_ITEM],
        "new_item_ids": [new_item],
        "payment_method_id": PAYPAL,
    }
    return ScriptedModel(
        [
            call("find_user_id_by_email", email="liam.moore6985@example.com"),
            call("get_order_details", order_id=ORDER),
            say("I found the earbuds in that order. Which variant would you like instead?"),
            call("get_product_details", product_id=EARBUDS),
            say(f"Item {new_item} matches. How would you like to pay the difference?"),
            call("exchange_delivered_order_items", exchange),
            say("Your exchange has been requested; you will get an email with return labels."),
        ]
    )
