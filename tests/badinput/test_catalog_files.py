"""Malformed catalog files through `shopassist import catalog`: each is refused or partly
imported with an error naming the file and line, and nothing already stored is lost."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.services import Services
from tests.badinput.counts import assert_nothing_lost, counts
from tests.badinput.figures import record, shown
from tests.engine.engine_support import state_hash
from tests.retrieval.retrieval_support import SHOPIFY_HEADER

pytestmark = pytest.mark.badinput

GOOD_ROW = ["lamp-x", "Lamp X", "", "", "Lamp", "", "", "Color", "red", "", "", "", "", "LX-1"]
GOOD_ROW += ["3", "deny", "12.50", "", "active"]


def _csv(*rows: list[str], header: list[str] = SHOPIFY_HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _row(**cells: str) -> list[str]:
    row = dict(zip(SHOPIFY_HEADER, GOOD_ROW, strict=True))
    named = {k.replace("_", " "): v for k, v in cells.items()}
    assert set(named) <= set(row), set(named) - set(row)  # a misspelt column tests nothing
    row.update(named)
    return [row[c] for c in SHOPIFY_HEADER]


def _product_json(product_id: str) -> dict[str, object]:
    return {
        "product_id": product_id,
        "name": f"Mug {product_id}",
        "product_type": "Mug",
        "variants": [{"item_id": f"{product_id}-1", "price": 9.0}],
    }


TRUNCATED_JSON = json.dumps([_product_json("mug-a"), _product_json("mug-b")], indent=2)[:-60]


def _json_error_line(text: str) -> int:
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        return err.lineno
    raise AssertionError("the text is valid JSON")


# name, file content, exit code, what stderr must say (file and line), products it adds
CASES: list[tuple[str, bytes, int, list[str], set[str]]] = [
    (
        "missing.csv",
        b"Handle,Title\nlamp-x,Lamp X\n",
        2,
        ["missing.csv:1: missing column(s) Variant Price"],
        set(),
    ),
    (
        "prices.csv",
        _csv(
            _row(Variant_Price="abc"),
            _row(Handle="lamp-y", Title="Lamp Y", Variant_SKU="LY-1", Variant_Price="-5"),
            _row(Handle="lamp-z", Title="Lamp Z", Variant_SKU="LZ-1", Variant_Price="1e999"),
            _row(Handle="lamp-ok", Title="Lamp OK", Variant_SKU="LOK-1"),
        ),
        0,
        [
            "prices.csv:2: Variant Price 'abc' is not a number",
            "prices.csv:3: Variant Price '-5' is not a valid price",
            "prices.csv:4: Variant Price '1e999' is not a valid price",
        ],
        {"lamp-ok"},
    ),
    (
        "latin1.csv",
        _csv(_row(), _row(Handle="cafe", Title="Café mug", Variant_SKU="C-1"))
        .decode()
        .encode("latin-1"),
        2,
        ["latin1.csv:3: not UTF-8 text (byte 0xe9 at column 9)"],
        set(),
    ),
    (
        "stray_bytes.csv",
        _csv(_row()).replace(b"Lamp X", b"Lamp \xff\xfe X"),
        2,
        ["stray_bytes.csv:2: not UTF-8 text (byte 0xff"],
        set(),
    ),
    (
        "truncated.json",
        TRUNCATED_JSON.encode(),
        2,
        [f"truncated.json:{_json_error_line(TRUNCATED_JSON)}: invalid JSON"],
        set(),
    ),
    (
        "truncated.jsonl",
        (
            json.dumps(_product_json("mug-c")) + "\n" + json.dumps(_product_json("mug-d"))[:30]
        ).encode(),
        0,
        ["truncated.jsonl:2: invalid JSON"],
        {"mug-c"},
    ),
    ("empty.csv", b"", 2, ["empty.csv: the file is empty"], set()),
    ("blank.jsonl", b"\n  \n", 2, ["blank.jsonl: the file is empty"], set()),
    (
        "binary.json",
        bytes(range(256)) * 16,
        2,
        ["binary.json: a binary file (it holds NUL bytes)"],
        set(),
    ),
    ("catalog.xlsx", b"PK\x03\x04", 2, ["unknown catalog format '.xlsx'"], set()),
]


@pytest.mark.parametrize(
    ("name", "content", "code", "says", "adds"), CASES, ids=[c[0] for c in CASES]
)
def test_a_bad_catalog_file_is_reported_and_loses_nothing(
    shop: Services,
    files: Path,
    name: str,
    content: bytes,
    code: int,
    says: list[str],
    adds: set[str],
) -> None:
    path = files / name
    path.write_bytes(content)
    before, hashed, ids = counts(shop), state_hash(shop.store), set(shop.store.product_ids())
    indexed = set(shop.indexes[0].product_ids())

    result = CliRunner().invoke(app, ["import", "catalog", str(path)])

    after = counts(shop)
    err = result.stderr
    assert result.exit_code == code, (result.output, err)
    assert result.exception is None or isinstance(result.exception, SystemExit), err
    for wanted in says:
        assert wanted in err, err
    assert set(shop.store.product_ids()) == ids | adds
    assert set(shop.indexes[0].product_ids()) == indexed | adds
    if not adds:
        assert "nothing changed" in err
        assert state_hash(shop.store) == hashed  # no row of any table changed
    assert_nothing_lost(before, after)
    record(name, "import catalog", shown(err, files), before, after)


def test_a_field_over_the_csv_limit_stops_the_file_at_its_line(shop: Services, files: Path) -> None:
    path = files / "huge_field.csv"
    path.write_bytes(_csv(_row(Tags='"' + "a" * 200_000 + '"')))
    before, hashed = counts(shop), state_hash(shop.store)
    # Python's default limit: a library imported earlier in the process may have raised it.
    previous = csv.field_size_limit(131_072)
    try:
        result = CliRunner().invoke(app, ["import", "catalog", str(path)])
    finally:
        csv.field_size_limit(previous)

    assert result.exit_code == 2, result.output
    assert "huge_field.csv:2: not readable as CSV (field larger than field limit" in result.stderr
    assert state_hash(shop.store) == hashed and counts(shop) == before
    record("huge_field.csv", "import catalog", shown(result.stderr, files), before, counts(shop))


def test_a_sync_with_an_unattributed_bad_row_removes_nothing(shop: Services, files: Path) -> None:
    path = files / "sync.csv"
    path.write_bytes(_csv(_row(), _row(Handle="", Title="", Variant_SKU="X")))
    before, hashed = counts(shop), state_hash(shop.store)

    result = CliRunner().invoke(app, ["import", "catalog", "--sync", "--yes", str(path)])

    assert result.exit_code == 2, result.output
    assert "1 rejected row(s) name no product" in result.stderr
    assert state_hash(shop.store) == hashed and counts(shop) == before
    record("sync.csv (--sync)", "import catalog", shown(result.stderr, files), before, counts(shop))
