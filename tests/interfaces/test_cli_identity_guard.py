"""`shopassist api` beyond loopback refuses to start in `lookup` identity mode unless told."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.settings import get_settings


def test_the_api_will_not_serve_lookup_beyond_loopback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOPASSIST_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SHOPASSIST_IDENTITY", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["api", "--host", "0.0.0.0", "--no-start-model"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "SHOPASSIST_IDENTITY=lookup" in result.output
