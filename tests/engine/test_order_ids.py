"""Order ids are recognised by the shapes the store holds: τ²'s `#W` + 7 digits always, and
the names of imported orders (`#1001`) once there are any, in the grounding check, in the
confirmation reader and in the ids a call may name."""

from __future__ import annotations

from assistant.engine.confirm import judge
from assistant.engine.grounding import Evidence, extract_claims, verify
from assistant.engine.requests import Requests
from assistant.engine.shown import Shown, candidates, ids_in
from assistant.store import Store
from assistant.store.order_ids import OrderIdPattern
from assistant.tools import default_registry

SHOPIFY = OrderIdPattern.of(["#W1234567", "#1001", "#1002", "#10001"])


def test_the_pattern_takes_the_shapes_of_the_stored_ids() -> None:
    text = "#W1234567, W7654321, #1001, #10001, 1001, #123, #W123 and ref#1001"
    assert list(SHOPIFY.find(text)) == ["#W1234567", "#W7654321", "#1001", "#10001"]
    # Without stored Shopify names only τ²'s shape is an order id, exactly as before.
    assert list(OrderIdPattern().find(text)) == ["#W1234567", "#W7654321"]


def test_ids_of_no_shape_are_found_as_written() -> None:
    pattern = OrderIdPattern.of(["ORD-77-A"])
    assert list(pattern.find("about ORD-77-A, not XORD-77-A or ORD-77-AB")) == ["ORD-77-A"]


def test_grounding_checks_order_names_of_the_store() -> None:
    evidence = Evidence(order_ids_like=SHOPIFY)
    evidence.add_data({"order_id": "#1001", "status": "delivered"})
    assert verify("Order #1001 is delivered.", evidence).grounded
    assert verify("Order #1002 is delivered.", evidence).unsupported == ("#1002",)
    # τ²'s default reads `#1002` as no order id at all: the store's pattern is what checks it.
    assert extract_claims("Order #1002 is delivered.").order_ids == frozenset()


def test_a_yes_naming_another_store_order_does_not_run() -> None:
    pending = {
        "name": "return_delivered_order_items",
        "arguments": {
            "order_id": "#1001",
            "item_ids": ["LANTERN-AMBER"],
            "payment_method_id": "credit_card_1234567",
        },
    }
    registry = default_registry()
    yes = Requests(kinds=frozenset({"confirm"}), scores={"confirm": 1.0})
    assert judge(pending, "yes, and #1002", yes, registry, (), SHOPIFY).action == "ask_again"
    assert judge(pending, "yes, #1001", yes, registry, (), SHOPIFY).action == "run"
    # τ²'s reader alone would have taken the yes.
    assert judge(pending, "yes, and #1002", yes, registry).action == "run"


def test_the_store_learns_its_pattern_and_notices_new_orders(store: Store) -> None:
    assert ("W", 7) in store.order_id_pattern().shapes
    assert ("", 4) not in store.order_id_pattern().shapes
    with store.transaction() as s:
        from assistant.store.schema import OrderRow

        row = s.get(OrderRow, store.order_ids()[0])
        assert row is not None
        s.add(
            OrderRow(
                **{
                    c.name: getattr(row, c.name)
                    for c in OrderRow.__table__.columns
                    if c.name not in ("order_id", "position")
                },
                order_id="#1001",
                position=10**6,
            )
        )
    assert ("", 4) in store.order_id_pattern().shapes


def test_a_bare_number_is_an_order_id_only_when_a_tool_showed_it_with_its_hash() -> None:
    said = Shown(words=frozenset({"1001", "02540"}), pointed=("1001",))
    assert candidates("order_id", said) == []
    shown = Shown(
        words=said.words, pointed=said.pointed, records=frozenset({"#1001", "jane_moss_1"})
    )
    assert candidates("order_id", shown) == ["#1001"]
    assert ids_in("order_id", "order #1001 please") == ["#1001"]


def test_a_yes_naming_another_item_says_which_item_by_its_name() -> None:
    """'yes, return the vacuum cleaner' while the coffee maker's return waits: the reply names
    the item the shopper meant, and its id, not an id alone."""
    from assistant.store.models import OrderItem

    ordered = [
        OrderItem(name="Coffee Maker", product_id="1", item_id="5952720925", price=1.0, options={}),
        OrderItem(
            name="Vacuum Cleaner", product_id="2", item_id="4965355367", price=1.0, options={}
        ),
    ]
    pending = {
        "name": "return_delivered_order_items",
        "arguments": {
            "order_id": "#W1633718",
            "item_ids": ["5952720925"],
            "payment_method_id": "paypal_9426036",
        },
    }
    yes = Requests(kinds=frozenset({"confirm"}), scores={"confirm": 1.0})
    verdict = judge(pending, "yes, return the vacuum cleaner", yes, default_registry(), ordered)
    assert verdict.action == "ask_again"
    assert verdict.message.startswith("You mentioned the Vacuum Cleaner (item 4965355367), which")
    other = judge(pending, "yes, and W3614011", yes, default_registry(), ordered)
    assert other.message.startswith("You mentioned W3614011, which")
