"""`kill -9` of `shopassist import catalog` while it indexes a big Shopify CSV, then the same
import again: the store and search converge to the file's products, none twice, none lost.

The command runs as a merchant runs it (real sentence-transformers embedder, Chroma and
BM25 in its data dir, SQLite store). The kill lands once the store has the file and some,
not all, of the vectors are written; counts are read from disk by a process of their own.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.conftest import Figures
from tests.faults.support import wait_for
from tests.retrieval.retrieval_support import shopify_rows, write_csv
from tests.scaleout.servers import REPO, product_env

pytestmark = [pytest.mark.faults, pytest.mark.slow]

ROWS = 3000
"""Variant rows in the file (products of 1-4 variants): indexing them takes tens of seconds
here, so the kill lands mid-way."""


EMBEDDINGS = "SELECT COUNT(*) FROM embeddings"
"""Vectors Chroma has written (its own SQLite file; only to time the kill)."""


def _counts(data_dir: Path, env: dict[str, str]) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults.catalog_counts", str(data_dir)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _scalar(database: Path, sql: str) -> int:
    """One number read from a SQLite file without taking part in its writes (0 if absent)."""
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute(sql).fetchone()[0])
    except sqlite3.Error:  # not created yet, or locked for a moment
        return 0


def _import(csv: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-m", "assistant.cli.main", "import", "catalog",
             str(csv)],
            env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


def test_reimport_after_kill_converges(tmp_path: Path, figures: Figures) -> None:
    rows, broken = shopify_rows(ROWS, broken_every=10**9)
    assert not broken
    csv = tmp_path / "catalog.csv"
    write_csv(csv, rows)
    products = len({r["Handle"] for r in rows})
    data_dir, log = tmp_path / "data", tmp_path / "import.log"
    env = product_env(data_dir=str(data_dir))
    store_db, chroma_db = data_dir / "store.sqlite", data_dir / "chroma" / "chroma.sqlite3"

    process = _import(csv, env, log)
    try:
        started = time.monotonic()

        def mid_import() -> bool:
            assert process.poll() is None, "the import ended before the kill: raise ROWS"
            stored = _scalar(store_db, "SELECT COUNT(*) FROM products")
            return stored == products and 0 < _scalar(chroma_db, EMBEDDINGS) < ROWS

        wait_for("the store holding the file and part of the vectors", mid_import, 600, log)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        killed_after = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL, "the import ended before the kill"
    killed = _counts(data_dir, env)
    assert killed["store"] == products  # the store's part is one transaction: all of it
    assert killed["vectors"] < ROWS, killed  # and search was caught mid-way

    started = time.monotonic()
    rerun = _import(csv, env, log)
    assert rerun.wait(timeout=900) == 0, log.read_text(errors="replace")[-3000:]
    rerun_seconds = time.monotonic() - started
    after = _counts(data_dir, env)
    assert after == {
        "store": products,
        "store_repeated_names": 0,
        "index": products,
        "vectors": ROWS,
        "vector_products": products,
    }, after
    figures.add(
        "kill -9 during `import catalog`",
        f"{products} products / {ROWS} variants; killed after {killed_after:.0f}s",
        f"store {killed['store']}, index {killed['index']}, vectors {killed['vectors']}",
    )
    figures.add(
        "kill -9 during `import catalog`",
        f"re-run ({rerun_seconds:.0f}s)",
        f"store {after['store']}, index {after['index']}, vectors {after['vectors']}, "
        f"repeated {after['store_repeated_names']}: converged",
    )
