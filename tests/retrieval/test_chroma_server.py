"""The same index code against a real Chroma server (`chroma run`) over HTTP."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.chroma import make_client
from retrieval.filters import SearchFilters
from retrieval.search import CatalogIndex

CHROMA_CLI = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    cli = str(CHROMA_CLI) if CHROMA_CLI.exists() else shutil.which("chroma")
    if cli is None:
        pytest.skip("the `chroma` command-line tool is not installed next to this Python")
    port = _free_port()
    log = open(tmp_path / "chroma.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [cli, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                make_client(url=url).heartbeat()
                break
            except Exception:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = (tmp_path / "chroma.log").read_text(errors="replace")[-2000:]
                    pytest.fail(f"chroma run did not come up on {url}:\n{tail}")
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.mark.slow
def test_http_client_index(chroma_server: str, tmp_path: Path, embedder, small_catalog) -> None:
    client = make_client(url=chroma_server)
    assert "fastapi" in client.get_settings().chroma_api_impl.lower()
    index = CatalogIndex(client, embedder, tmp_path / "lexical")
    summary = index.ingest(small_catalog)
    assert summary.added == 10 and index.collection.count() == 10
    result = index.search("running shoes", SearchFilters(max_price=125), k=5)
    assert [h.item_id for h in result.hits] == ["r1"]
    # Removal reaches the server too.
    index.ingest(small_catalog[:-1])
    assert index.collection.count() == 9
    # A second client sees the server's data (it is not local).
    other = CatalogIndex(make_client(url=chroma_server), embedder, tmp_path / "lexical")
    assert other.collection.count() == 9


def test_bad_url() -> None:
    with pytest.raises(ValueError, match="http://host:port"):
        make_client(url="ftp://x")
