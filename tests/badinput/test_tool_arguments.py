"""Invalid tool calls from the model: the engine's tool layer answers the model with a tool
error naming the tool and field, nothing runs, and the dialogue goes on to the next turn."""

from __future__ import annotations

import uuid

import pytest

from assistant.engine import ToolResultEvent
from assistant.llm.scripted import ScriptedModel, call
from assistant.llm.types import ChatResult
from assistant.services import Services
from tests.badinput.counts import counts
from tests.badinput.figures import record
from tests.engine.engine_support import state_hash
from tests.interfaces.support import SUMMARY, shop_services

pytestmark = pytest.mark.badinput

SORRY = "Sorry, that did not work; could you tell me more?"

# case, the shopper's words, the model's bad call, what the tool error must say
CASES: list[tuple[str, str, ChatResult, str]] = [
    (
        "wrong type",
        "details of product 12345",
        call("get_product_details", product_id=12345),
        "invalid arguments for get_product_details: product_id: Input should be a valid string",
    ),
    (
        "missing field",
        "my email is on file",
        call("find_user_id_by_email"),
        "invalid arguments for find_user_id_by_email: email: Field required",
    ),
    (
        "out of range",
        "add item 1234567890 to my cart",
        call("add_to_cart", item_id="1234567890", quantity=-3),
        "invalid arguments for add_to_cart: quantity: Input should be greater than or equal to 1",
    ),
    (
        "unknown filter",
        "a cheap lamp",
        call("search_products", query="lamp", filters={"price_max": "cheap"}),
        "invalid arguments for search_products: filters.price_max: Extra inputs are not permitted",
    ),
    (
        "not JSON",
        "order #W0000000",
        call("get_order_details", "{order_id: #W0000000"),
        "arguments are not valid JSON",
    ),
    (
        "unknown tool",
        "hello",
        call("delete_everything", confirm=True),
        "unknown tool 'delete_everything'",
    ),
    (
        "unknown product id",
        "details of product 9999999999",
        call("get_product_details", product_id="9999999999"),
        "Product not found",
    ),
    (
        "unknown user",
        "I am ghost.shopper@example.com",
        call("find_user_id_by_email", email="ghost.shopper@example.com"),
        "User not found",
    ),
    (
        "id nobody said",
        "what about that product",
        call("get_product_details", product_id="6086499569"),
        "product_id is not something the shopper said or a record showed",
    ),
]


@pytest.fixture(scope="module")
def data_dir(shop: Services) -> object:
    return shop.settings.data_dir


@pytest.mark.parametrize(("case", "said", "bad", "says"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_tool_call_is_a_tool_error_and_the_dialogue_goes_on(
    data_dir: object, case: str, said: str, bad: ChatResult, says: str
) -> None:
    services = shop_services(data_dir)  # type: ignore[arg-type]
    model = ScriptedModel([bad, SORRY, call("search_products", query="backpack"), SUMMARY])
    services.model = model
    session = f"bad-call-{uuid.uuid4().hex}"
    before, hashed = counts(services), state_hash(services.store)

    first = services.engine.respond(session, said)

    results = [e for e in first.events if isinstance(e, ToolResultEvent)]
    assert len(results) == 1 and not results[0].ok
    shown = model.requests[1].messages[-1]
    assert shown["role"] == "tool" and str(shown["content"]).startswith("Error: ")
    assert says in str(shown["content"]), shown
    assert first.reply == SORRY
    assert state_hash(services.store) == hashed  # nothing ran

    second = services.engine.respond(session, "a backpack")
    assert second.reply.startswith(SUMMARY) and model.remaining == 0
    assert [t.user_message for t in services.store.turns(session)] == [said, "a backpack"]
    after = counts(services)
    assert after == before
    record(case, f"tool {bad.tool_calls[0].name}", str(shown["content"]), before, after)
