"""Malformed customer and order files through `shopassist import customers|orders`: each is
refused or partly imported with an error naming the file and line, and nothing already stored
is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.services import Services
from tests.badinput.counts import assert_nothing_lost, counts
from tests.badinput.figures import record, shown
from tests.engine.engine_support import state_hash

pytestmark = pytest.mark.badinput

CUSTOMERS_HEADER = b"email,first_name,last_name,zip\n"
ORDERS_HEADER = b"order_id,email,item_id,status\n"

# kind, file name, content, what stderr must say (file and line)
CASES: list[tuple[str, str, bytes, list[str]]] = [
    ("customers", "empty.csv", b"", ["empty.csv: the file is empty"]),
    ("customers", "blank.jsonl", b"\n \n", ["blank.jsonl: the file is empty"]),
    ("customers", "binary.csv", b"email\n\x00\x01\x02", ["binary.csv", "binary"]),
    (
        "customers",
        "latin1.csv",
        CUSTOMERS_HEADER + "zoë@example.com,Zoë,Brun,75001\n".encode("latin-1"),
        ["latin1.csv:2", "not UTF-8"],
    ),
    ("customers", "people.xlsx", b"PK\x03\x04", ["unknown format '.xlsx'"]),
    ("customers", "no_email.csv", CUSTOMERS_HEADER + b",Ann,Lee,02134\n", ["no_email.csv:2"]),
    (
        "customers",
        "not_an_email.jsonl",
        b'{"email": "ann at example"}\n{"email": "bob@example.com"\n',
        ["not_an_email.jsonl:1", "not_an_email.jsonl:2"],
    ),
    (
        "customers",
        "truncated.json",
        b'[{"email": "ann@example.com"}, {"email": "bo',
        ["truncated.json:1"],
    ),
    ("orders", "empty.csv", b"", ["empty.csv: the file is empty"]),
    (
        "orders",
        "latin1.jsonl",
        '{"order_id": "#W9", "email": "zoë@example.com"}\n'.encode("latin-1"),
        ["latin1.jsonl:1", "not UTF-8"],
    ),
    (
        "orders",
        "unknown_item.csv",
        ORDERS_HEADER + b"#W7770001,ann@example.com,NO-SUCH-SKU,pending\n",
        ["unknown_item.csv:2"],
    ),
    ("orders", "short_row.csv", ORDERS_HEADER + b"#W7770002\n", ["short_row.csv:2"]),
]


@pytest.mark.parametrize(
    ("kind", "name", "content", "says"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_a_bad_people_file_is_refused_by_line_and_changes_nothing(
    shop: Services, files: Path, kind: str, name: str, content: bytes, says: list[str]
) -> None:
    path = files / name
    path.write_bytes(content)
    before, hashed = counts(shop), state_hash(shop.store)

    result = CliRunner().invoke(app, ["import", kind, str(path)])

    err = result.stderr
    assert result.exit_code == 2, (result.output, err)
    assert result.exception is None or isinstance(result.exception, SystemExit), err
    for wanted in says:
        assert wanted in err, err
    assert "nothing changed" in err, err
    assert state_hash(shop.store) == hashed  # no row of any table changed
    after = counts(shop)
    assert_nothing_lost(before, after)
    record(f"{kind} {name}", f"import {kind}", shown(err, files), before, after)
