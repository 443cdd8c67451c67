"""Rows of a CSV, JSON or JSON Lines file with the line each starts on.

Malformed input (a CSV row with a different number of fields than the header, a line that
is not JSON) is reported on the import's report; such a row names no record, so a sync of
that file is refused.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.importers.report import RowReport
from retrieval.importers.text_check import check_text_file

SUFFIXES = (".csv", ".json", ".jsonl")


@dataclass
class Table:
    """The rows of a file, each as `(line, row)`; CSV rows map header names to cells."""

    form: str
    """`csv` or `json` (JSON and JSON Lines)."""
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def read_table(path: Path, report: RowReport, key: str) -> Table:
    """Read `path` by its extension; `key` names the list in a JSON object file
    (`{"customers": [...]}`).

    Raises:
        ValueError: An unknown extension, or a file that is empty, binary or not UTF-8.
        FileNotFoundError: No such file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"{path}: unknown format {path.suffix!r}; expected one of {', '.join(SUFFIXES)}"
        )
    if not path.is_file():
        raise FileNotFoundError(f"file {path} does not exist")
    check_text_file(path)  # empty, binary or not UTF-8: said with the file and line
    if suffix == ".csv":
        return _csv(path, report)
    if suffix == ".jsonl":
        return _jsonl(path, report)
    return _json(path, report, key)


def _csv(path: Path, report: RowReport) -> Table:
    table = Table("csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        table.header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = table.header
        line = reader.line_num + 1
        for row in reader:
            start, line = line, reader.line_num + 1
            if None in row or any(v is None for v in row.values()):
                count = len(table.header)
                report.error(start, f"row has another number of fields than the header ({count})")
                continue
            if any(str(v).strip() for v in row.values()):
                table.rows.append((start, dict(row)))
    return table


def _jsonl(path: Path, report: RowReport) -> Table:
    table = Table("json")
    with open(path, encoding="utf-8-sig") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                report.error(number, f"invalid JSON: {error.msg} at column {error.colno}")
                continue
            if not isinstance(data, dict):
                report.error(number, "expected a JSON object")
                continue
            table.rows.append((number, data))
    return table


def _json(path: Path, report: RowReport, key: str) -> Table:
    table = Table("json")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        report.error(error.lineno, f"invalid JSON: {error.msg}")
        return table
    items = data.get(key) if isinstance(data, dict) else data
    if not isinstance(items, list):
        report.error(1, f"expected a list of {key} or an object with a {key!r} list")
        return table
    for position, item in enumerate(items, start=1):
        if isinstance(item, dict):
            table.rows.append((position, item))
        else:
            report.error(position, f"{key} #{position}: expected a JSON object")
    return table


def cell(row: dict[str, Any], *names: str) -> str:
    """The first non-empty value among the columns `names`, stripped (`""` if none)."""
    for name in names:
        value = row.get(name)
        if value is None:
            continue
        text = str(value).strip()
        if text:
            return text
    return ""


def is_email(text: str) -> bool:
    """A plausible email address: one `@`, something before it, a dot in the domain."""
    local, at, domain = text.partition("@")
    return bool(at and local and "." in domain.strip(".") and "@" not in domain) and (
        " " not in text
    )
