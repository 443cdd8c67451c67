"""Shopper events in a real SQLite store: kept in order, checked, filtered by time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant.store import Event, Store, StoreError
from tests.store.support import Clock


def shown(session_id: str, product_id: str, **fields: object) -> Event:
    return Event.model_validate(
        {"session_id": session_id, "kind": "impression", "product_id": product_id, **fields}
    )


def test_events_are_kept_in_order_with_the_store_clock(store: Store, clock: Clock) -> None:
    stored = store.record_events(
        [
            shown("s1", "p1", item_id="i1", source="search", query="boots", position=1),
            Event(session_id="s2", kind="click", product_id="p2", user_id="u2"),
            shown("s1", "p3", source="similar", position=2),
        ]
    )
    assert stored == 3
    s1 = store.events("s1")
    assert [(e.product_id, e.source, e.position) for e in s1] == [
        ("p1", "search", 1),
        ("p3", "similar", 2),
    ]
    assert s1[0].query == "boots" and s1[0].item_id == "i1" and s1[0].user_id is None
    assert all(e.created_at == clock.now for e in store.events())
    [click] = store.events("s2")
    assert click.kind == "click" and click.source == "other" and click.user_id == "u2"
    assert store.record_events([]) == 0


def test_bad_kind_or_source_is_refused_and_nothing_is_stored(store: Store) -> None:
    good = {"session_id": "s1", "kind": "click", "product_id": "p1"}
    with pytest.raises(StoreError, match=r"event 1: kind: Input should be 'impression'.*'view'"):
        store.record_events([good, {**good, "kind": "view"}])
    with pytest.raises(StoreError, match=r"event 0: source: .*'search'.*\(got 'email'\)"):
        store.record_events([{**good, "source": "email"}])
    # A record built without validation is checked all the same.
    unchecked = Event.model_construct(session_id="s1", kind="like", product_id="p1")
    with pytest.raises(StoreError, match="event 0: kind"):
        store.record_events([unchecked])
    with pytest.raises(StoreError, match="event 0: product_id: Field required"):
        store.record_events([{"session_id": "s1", "kind": "click"}])
    assert store.events() == []


def test_times_are_kept_in_utc_and_since_filters(store: Store, clock: Clock) -> None:
    paris = timezone(timedelta(hours=1))
    store.record_events(
        [
            shown("s1", "early", created_at=datetime(2025, 1, 1, 9, 0, tzinfo=paris)),
            shown("s1", "late", created_at=datetime(2025, 1, 1, 11, 30, tzinfo=UTC)),
        ]
    )
    early, late = store.events()
    assert early.created_at == datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
    assert late.created_at == datetime(2025, 1, 1, 11, 30, tzinfo=UTC)
    since = datetime(2025, 1, 1, 11, 0, tzinfo=UTC)
    assert [e.product_id for e in store.events(since=since)] == ["late"]
    # A time without a zone is UTC: 10:00 UTC is after the early event (08:00 UTC).
    assert [e.product_id for e in store.events(since=datetime(2025, 1, 1, 10))] == ["late"]
    assert [e.product_id for e in store.events(since=datetime(2025, 1, 1, 8))] == [
        "early",
        "late",
    ]
    with pytest.raises(ValueError, match="timezone"):
        shown("s1", "naive", created_at=datetime(2025, 1, 1, 9))


def test_searched_queries_count_each_search_once(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'q.sqlite'}")
    store.create_all()

    def shown(session: str, query: str, hits: int) -> list[dict[str, object]]:
        return [
            {"session_id": session, "kind": "impression", "product_id": f"p{n}",
             "source": "search", "query": query, "position": n}
            for n in range(1, hits + 1)
        ]  # fmt: skip

    store.record_events([*shown("a", "blue mug", 5), *shown("b", "blue mug", 3)])
    store.record_events([*shown("a", "teapot", 2)])
    store.record_events(
        [{"session_id": "a", "kind": "impression", "product_id": "p1", "source": "similar",
          "query": "teapot", "position": 1}]
    )  # fmt: skip
    assert store.searched_queries() == {"blue mug": 2, "teapot": 1}
    store.close()
