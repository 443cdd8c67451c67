"""Malformed page folders through `shopassist import pages`: bad files are skipped with their
path (and line), the good pages are imported, and no stored page is replaced by a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.services import Services
from tests.badinput.counts import assert_nothing_lost, counts
from tests.badinput.figures import record, shown

pytestmark = pytest.mark.badinput

HUGE_BYTES = 20 * 1024 * 1024


def _passages(shop: Services, page: str) -> list[str]:
    _, faq = shop.indexes
    return sorted(faq.collection.get(where={"source": page}, include=[])["ids"])


def test_bad_pages_are_skipped_by_name_and_the_good_one_is_imported(
    shop: Services, files: Path
) -> None:
    _, faq = shop.indexes
    stored = faq.sources()[0]  # a page the shop already holds: a bad file of its name
    kept = _passages(shop, stored)
    (files / "gift-cards.md").write_text("# Gift cards\n\nGift cards never expire.\n")
    (files / stored).write_bytes(b"")  # empty
    (files / "broken.md").write_bytes(b"# Broken\n\nfine line\nbad \xc3\x28 byte\n")
    (files / "huge.md").write_bytes(b"# Huge\n\n" + b"word " * (HUGE_BYTES // 5))
    (files / "brochure.pdf").write_bytes(b"%PDF-1.7\n")
    (files / "blank.txt").write_bytes(b"\n \n")
    nested = files / "more"
    nested.mkdir()
    (nested / "gift-cards.md").write_text("# Gift cards again\n")
    before = counts(shop)

    result = CliRunner().invoke(app, ["import", "pages", str(files)])

    after, err = counts(shop), result.stderr
    assert result.exit_code == 0, (result.output, err)
    assert "1 pages: " in result.stdout and "6 files skipped" in result.stdout
    for wanted in (
        f"{files / stored}: the file is empty",
        f"{files / 'broken.md'}:4: not UTF-8 text (byte 0xc3 at column 5)",
        f"{files / 'huge.md'}: {HUGE_BYTES + 8:,} bytes, over the 2,097,152-byte limit",
        f"{files / 'brochure.pdf'}: not a page (.pdf)",
        f"{files / 'blank.txt'}: the file is empty",
        f"{nested / 'gift-cards.md'}: a page named 'gift-cards.md' is already",
    ):
        assert wanted in err, err
    assert _passages(shop, stored) == kept  # the empty file did not wipe the stored page
    assert "gift-cards.md" in faq.sources() and "broken.md" not in faq.sources()
    assert after.pages == before.pages + 1
    assert_nothing_lost(before, after)
    for line in err.splitlines():
        record(line.split(": ", 1)[0].rsplit("/", 1)[-1], "import pages", shown(line, files))
    record("(folder of 7)", "import pages", result.stdout.strip(), before, after)


def test_a_folder_of_only_bad_files_changes_nothing(shop: Services, files: Path) -> None:
    (files / "latin1.md").write_bytes("# Café\n".encode("latin-1"))
    (files / "notes.docx").write_bytes(b"PK\x03\x04")
    before = counts(shop)

    result = CliRunner().invoke(app, ["import", "pages", str(files)])

    assert result.exit_code == 2, result.output
    assert "holds no page that could be read" in result.stderr
    assert f"{files / 'latin1.md'}:1: not UTF-8 text (byte 0xe9" in result.stderr
    assert "nothing changed" in result.stderr
    assert counts(shop) == before
    record(
        "latin1.md + notes.docx", "import pages", shown(result.stderr, files), before, counts(shop)
    )


def test_a_missing_folder_is_named(shop: Services, files: Path) -> None:
    before = counts(shop)
    result = CliRunner().invoke(app, ["import", "pages", str(files / "nope")])
    assert result.exit_code == 2
    assert f"{files / 'nope'} is not a folder; nothing changed" in result.stderr
    assert counts(shop) == before
    record("(no such folder)", "import pages", shown(result.stderr, files), before, counts(shop))
