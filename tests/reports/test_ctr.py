"""The click-through report over a hand-written log of two sessions in a real SQLite store,
and the `shopassist report ctr` command that prints it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.reports.ctr import SourceRates, ctr_report, format_table
from assistant.settings import get_settings
from assistant.store import Event, Store
from tests.store.support import Clock

DAY_ONE = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
DAY_TWO = datetime(2025, 1, 2, 12, 0, tzinfo=UTC)


def event(session: str, kind: str, product: str, source: str, **fields: object) -> Event:
    return Event.model_validate(
        {"session_id": session, "kind": kind, "product_id": product, "source": source, **fields}
    )


# Session A (signed in) on day one: a search of three, one clicked and added; two
# recommendations, one clicked.
SESSION_A = [
    *(
        event("A", "impression", p, "search", user_id="u1", query="boots", position=n)
        for n, p in enumerate(["p1", "p2", "p3"], start=1)
    ),
    event("A", "click", "p1", "search", user_id="u1", position=1),
    event("A", "cart_add", "p1", "search", user_id="u1", item_id="i1"),
    event("A", "impression", "p4", "recommendation", user_id="u1", position=1),
    event("A", "impression", "p5", "recommendation", user_id="u1", position=2),
    event("A", "click", "p5", "recommendation", user_id="u1", position=2),
]
# Session B (anonymous) on day two: a search of two, one clicked; four similar products, one
# added and bought; an item added that nothing showed.
SESSION_B = [
    event("B", "impression", "p1", "search", query="socks", position=1),
    event("B", "impression", "p6", "search", query="socks", position=2),
    event("B", "click", "p6", "search", position=2),
    *(
        event("B", "impression", p, "similar", position=n)
        for n, p in enumerate(["p7", "p8", "p9", "p10"], start=1)
    ),
    event("B", "cart_add", "p8", "similar"),
    event("B", "purchase", "p8", "similar"),
    event("B", "cart_add", "p11", "other"),
]

# Counted by hand from the log above.
EXPECTED = [
    SourceRates(
        source="search",
        impressions=5,
        clicks=2,
        cart_adds=1,
        purchases=0,
        ctr=2 / 5,
        add_to_cart_rate=1 / 5,
    ),
    SourceRates(
        source="recommendation",
        impressions=2,
        clicks=1,
        cart_adds=0,
        purchases=0,
        ctr=1 / 2,
        add_to_cart_rate=0.0,
    ),
    SourceRates(
        source="similar",
        impressions=4,
        clicks=0,
        cart_adds=1,
        purchases=1,
        ctr=0.0,
        add_to_cart_rate=1 / 4,
    ),
    SourceRates(
        source="other",
        impressions=0,
        clicks=0,
        cart_adds=1,
        purchases=0,
        ctr=None,
        add_to_cart_rate=None,
    ),
]

TABLE = """\
source          impressions  clicks  cart adds  purchases    CTR  add-to-cart
search                    5       2          1          0  40.0%        20.0%
recommendation            2       1          0          0  50.0%         0.0%
similar                   4       0          1          1   0.0%        25.0%
other                     0       0          1          0      —            —"""


def logged_store(path: Path) -> Store:
    """A store at `path` holding session A's events on day one and B's on day two."""
    clock = Clock()
    clock.now = DAY_ONE
    store = Store(f"sqlite:///{path}", now=clock)
    store.create_all()
    store.record_events(SESSION_A)
    clock.now = DAY_TWO
    store.record_events(SESSION_B)
    return store


def test_rates_per_source_from_the_stored_log(tmp_path: Path) -> None:
    store = logged_store(tmp_path / "store.sqlite")
    try:
        assert ctr_report(store.events()) == EXPECTED
        assert format_table(ctr_report(store.events())) == TABLE
        day_two = ctr_report(store.events(since=DAY_TWO))
        assert [(r.source, r.impressions, r.clicks, r.cart_adds) for r in day_two] == [
            ("search", 2, 1, 0),
            ("recommendation", 0, 0, 0),
            ("similar", 4, 0, 1),
            ("other", 0, 0, 1),
        ]
        assert day_two[0].ctr == 1 / 2 and day_two[1].ctr is None
    finally:
        store.close()


def test_an_empty_log_has_no_rates() -> None:
    rows = ctr_report([])
    assert [r.source for r in rows] == ["search", "recommendation", "similar", "other"]
    assert all(r.impressions == 0 and r.ctr is None and r.add_to_cart_rate is None for r in rows)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data dir (the process settings point at it) whose store holds the log."""
    monkeypatch.setenv("SHOPASSIST_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SHOPASSIST_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    logged_store(tmp_path / "store.sqlite").close()
    yield tmp_path
    get_settings.cache_clear()


def test_the_report_command_prints_the_table_and_json(data_dir: Path) -> None:
    from assistant.cli.main import app

    table = CliRunner().invoke(app, ["report", "ctr"])
    assert table.exit_code == 0, table.output
    assert table.output == TABLE + "\n"

    as_json = CliRunner().invoke(app, ["report", "ctr", "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output) == [row.model_dump(mode="json") for row in EXPECTED]
    assert json.loads(as_json.output)[3]["ctr"] is None

    later = CliRunner().invoke(app, ["report", "ctr", "--json", "--since", "2025-01-02"])
    assert later.exit_code == 0, later.output
    assert [row["impressions"] for row in json.loads(later.output)] == [2, 0, 4, 0]

    bad = CliRunner().invoke(app, ["report", "ctr", "--since", "yesterday"])
    assert bad.exit_code == 2 and "'yesterday' is not an ISO date" in bad.output
