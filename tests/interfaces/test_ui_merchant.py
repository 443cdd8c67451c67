"""The merchant tab's handlers over the real store and catalog index, with the scripted model
writing the listings: the key gates every handler, a draft is written with its findings and
the product's attribute table, edits are approved into the catalog, errors become status lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.copy.desk import listing_text
from assistant.copy.draft import CopyDraft
from assistant.services import Services
from assistant.tools.results import ProductCopy
from assistant.ui.merchant import (
    LOCKED,
    NO_DRAFT,
    OFF,
    WRONG_KEY,
    MerchantTab,
    attribute_table,
    bullets_from_text,
    findings_text,
    key_matches,
    product_choices,
)
from tests.interfaces.support import LISTING, MERCHANT_KEY, merchant_services


@pytest.fixture
def tab(services: Services) -> MerchantTab:
    return MerchantTab(merchant_services(services))


@pytest.fixture
def backpack(services: Services) -> Iterator[Any]:
    """The catalog's backpack; its description is put back after the test approves one."""
    catalog, _ = services.indexes
    product = next(p for p in catalog.products() if p.name == "Backpack")
    yield product
    catalog.ingest([product], remove_missing=False)


def test_key_matches_only_the_set_key() -> None:
    assert key_matches("s3cret", "s3cret")
    assert key_matches("  s3cret ", "s3cret")  # pasted with spaces
    assert not key_matches("s3cre", "s3cret")
    assert not key_matches("", "s3cret")
    assert not key_matches("anything", None)
    assert not key_matches("", "")


def test_without_a_merchant_key_the_tab_is_off(services: Services) -> None:
    off = MerchantTab(services)  # the shop's settings set no merchant key
    assert not off.enabled
    tools, picker, status = off.unlock("anything")
    assert tools["visible"] is False and picker["choices"] == []
    assert status == OFF
    assert off.write("anything", "p1", "warm", "short", "campers")[-1] == OFF


def test_a_wrong_key_opens_nothing(tab: MerchantTab, backpack: Any) -> None:
    assert tab.unlock("")[2] == LOCKED
    tools, picker, status = tab.unlock("not-the-key")
    assert tools["visible"] is False and picker["choices"] == [] and status == WRONG_KEY
    assert tab.pick("not-the-key", backpack.product_id) == (attribute_table(None), WRONG_KEY)
    written = tab.write("not-the-key", backpack.product_id, "warm", "short", "campers")
    assert written[0] == 0 and written[-1] == WRONG_KEY
    assert tab.approve("not-the-key", 1, "t", "s", "b", "m") == WRONG_KEY
    assert tab.regenerate("not-the-key", {"product_id": backpack.product_id})[-1] == WRONG_KEY
    assert tab.services.store.copy_drafts(backpack.product_id, "approved") == []


def test_the_key_opens_the_picker_of_catalog_products(tab: MerchantTab) -> None:
    tools, picker, status = tab.unlock(MERCHANT_KEY)
    products = tab.services.copy_desk.catalog.products()
    assert tools["visible"] is True
    assert sorted(value for _, value in picker["choices"]) == sorted(p.product_id for p in products)
    labels = {value: label for label, value in picker["choices"]}
    assert all(labels[p.product_id] == f"{p.name} ({p.product_id})" for p in products)
    names = [label.rsplit(" (", 1)[0].lower() for label, _ in picker["choices"]]
    assert names == sorted(names)
    assert product_choices(products) == picker["choices"]
    assert f"{len(products)} product(s)" in status


def test_attribute_table_lists_each_variant(backpack: Any) -> None:
    table = attribute_table(backpack)
    options = sorted({name for v in backpack.variants for name in v.options})
    assert table["headers"][0] == "item" and table["headers"][-2:] == ["price", "stock"]
    assert sorted(table["headers"][1:-2]) == options
    assert [row[0] for row in table["data"]] == [v.item_id for v in backpack.variants]
    for row, variant in zip(table["data"], backpack.variants, strict=True):
        assert row[-2] == f"${variant.price:,.2f}"
        assert row[-1] == ("in stock" if variant.available else "out of stock")
        for name, value in variant.options.items():
            assert row[table["headers"].index(name)] == value


def test_write_edit_approve_and_regenerate(tab: MerchantTab, backpack: Any) -> None:
    listing = json.loads(LISTING)
    store, catalog = tab.services.store, tab.services.copy_desk.catalog
    pid = backpack.product_id
    table, status = tab.pick(MERCHANT_KEY, pid)
    assert table == attribute_table(backpack) and "variant(s)" in status

    draft_id, request, title, short, bullets, meta, findings, table, status = tab.write(
        MERCHANT_KEY, pid, "warm", "short", "campers"
    )
    stored = store.copy_draft(draft_id)
    assert stored is not None and stored.status == "draft" and stored.product_id == pid
    assert stored.request["tone"] == "warm" and stored.request["audience"] == "campers"
    assert request == {"product_id": pid, "tone": "warm", "length": "short", "audience": "campers"}
    assert (title, short, meta) == (
        listing["title"],
        listing["short_description"],
        listing["meta_description"],
    )
    assert bullets.splitlines() == listing["bullets"]
    assert table == attribute_table(backpack)
    shown = tab.services.copy_desk.shown(stored)
    if shown.passed:
        assert findings.startswith("**Check passed**")
    else:
        assert all(problem in findings for problem in shown.problems)
    assert f"Draft {draft_id}" in status

    status = tab.approve(
        MERCHANT_KEY, draft_id, "Trail-ready backpack", short, bullets + "\n\n", meta
    )
    assert status.startswith(f"Approved draft {draft_id}")
    approved = store.copy_draft(draft_id)
    assert approved is not None and approved.status == "approved"
    assert approved.draft["title"] == "Trail-ready backpack"
    assert approved.draft["bullets"] == listing["bullets"]  # blank lines are not bullets
    expected = listing_text(CopyDraft.model_validate(approved.draft))
    assert catalog.get_product(pid).description == expected

    again = tab.regenerate(MERCHANT_KEY, request)
    assert again[0] > draft_id and again[1] == request
    newer = store.copy_draft(again[0])
    assert newer is not None and newer.status == "draft"
    assert newer.request["tone"] == "warm" and newer.request["length"] == "short"


def test_errors_become_status_lines(tab: MerchantTab, backpack: Any) -> None:
    assert tab.write(MERCHANT_KEY, None, "warm", "short", "campers")[-1] == "Pick a product first."
    unknown = tab.write(MERCHANT_KEY, "no-such-product", "warm", "short", "campers")
    assert unknown[0] == 0 and unknown[-1].startswith("Could not write a draft: no product")
    bad_tone = tab.write(MERCHANT_KEY, backpack.product_id, "warm\nloud", "short", "campers")
    assert bad_tone[-1].startswith("Could not write a draft: invalid copy request")
    assert tab.approve(MERCHANT_KEY, 0, "", "", "", "") == NO_DRAFT
    assert tab.regenerate(MERCHANT_KEY, {})[-1] == NO_DRAFT
    missing = tab.approve(MERCHANT_KEY, 999_999, "t", "s", "b", "m")
    assert missing == "Could not approve draft 999999: no copy draft 999999"
    draft_id = tab.write(MERCHANT_KEY, backpack.product_id, "warm", "short", "campers")[0]
    too_long = tab.approve(MERCHANT_KEY, draft_id, "x" * 300, "s", "b", "m")
    assert too_long.startswith(f"Could not approve draft {draft_id}: the edited listing is invalid")
    assert tab.services.store.copy_draft(draft_id).status == "draft"


def test_bullets_from_text_takes_one_per_line() -> None:
    assert bullets_from_text(" one \n\n two\n") == ["one", "two"]
    assert bullets_from_text("") == []


def test_findings_list_each_problem_or_say_the_check_passed() -> None:
    base = {"draft_id": 1, "product_id": "p1", "name": "Lamp", "status": "draft"}
    clean = ProductCopy(**base, passed=True, attempts=1)
    assert findings_text(clean).startswith("**Check passed** (first time)")
    problems = [
        "title: 'solar powered' — no variant has power source 'solar'",
        "bullets[1]: '$99' — no variant costs $99.00",
    ]
    flagged = ProductCopy(**base, passed=False, problems=problems, attempts=3)
    text = findings_text(flagged)
    assert text.splitlines()[0] == (
        "**The check found 2 unsupported statement(s)** (after 3 attempts):"
    )
    assert text.splitlines()[1:] == [f"- {problem}" for problem in problems]
