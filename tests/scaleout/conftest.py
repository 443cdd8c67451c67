"""Two API replicas over one PostgreSQL store and one Chroma server, for the whole module.

Every part is a real server in its own process: PostgreSQL (`initdb`, `pg_ctl`), `chroma run`
and two `shopassist api` processes. The store holds the whole τ² retail world; search holds a
few of its products (embedding all of them would cost minutes on a small machine), imported
with `shopassist import catalog` as a merchant would. The replicas run on one host and share
one data dir, where the lexical half of search (BM25 and the catalog record, SQLite) lives;
the store's rows and the vectors live in the servers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.demo.tau2_data import RETAIL_DATA, read_member
from assistant.store import Store
from tests.interfaces.support import PRODUCTS
from tests.scaleout.servers import (
    Postgres,
    api_replicas,
    chroma_server,
    process_alive,
    product_env,
    shopassist,
)
from tests.support import tau2_cache


@dataclass
class Cluster:
    """What the tests reach: the two replicas, the store behind them, the shared settings."""

    a: str
    b: str
    store: Store
    env: dict[str, str]
    data_dir: Path
    timings: dict[str, float] = field(default_factory=dict)


@pytest.fixture(scope="session")
def cluster(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Chroma and two API replicas over `postgres`, all stopped at the end (also on failure);
    the teardown fails when any of their processes is still alive."""
    pg = postgres
    root = tmp_path_factory.mktemp("scaleout")
    data_dir = root / "data"
    db = json.loads(read_member(RETAIL_DATA + "db.json", tau2_cache(root / "cache")))
    catalog = root / "catalog.json"
    chosen = {k: p for k, p in db["products"].items() if p["name"] in PRODUCTS}
    catalog.write_text(json.dumps({"products": chosen}))
    timings: dict[str, float] = {}
    pids: list[int] = []
    with ExitStack() as stack:
        clock = time.perf_counter()
        chroma = stack.enter_context(chroma_server(root / "chroma"))
        pids.append(chroma.process.pid)
        timings["chroma"] = time.perf_counter() - clock
        env = product_env(
            data_dir=str(data_dir),
            database_url=pg.url,
            chroma_url=chroma.url,
            # No chat model: the tests use the routes that need none (sessions, direct tool
            # calls, confirmations); the model URL points at a closed port.
            llm_base_url="http://127.0.0.1:9/v1",
        )
        clock = time.perf_counter()
        store = Store(pg.url)
        stack.callback(store.close)
        store.create_all()
        store.load_tau2(db)
        timings["store"] = time.perf_counter() - clock
        clock = time.perf_counter()
        shopassist(["import", "catalog", str(catalog)], env)
        timings["search"] = time.perf_counter() - clock
        clock = time.perf_counter()
        a, b = stack.enter_context(api_replicas(2, env, root))
        pids += [a.process.pid, b.process.pid]
        timings["replicas"] = time.perf_counter() - clock
        yield Cluster(a.url, b.url, store, env, data_dir, timings)
    left = [pid for pid in pids if process_alive(pid)]
    assert not left, f"server processes still running after the tests: {left}"
