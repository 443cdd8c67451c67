"""Settings come from SHOPASSIST_* variables; a mistyped one is an error, not a silent default."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings


def test_environment_values_are_read_and_typed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOPASSIST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SHOPASSIST_LLM_PORT", "9001")
    monkeypatch.setenv("SHOPASSIST_API_KEY", "k1")
    settings = Settings()
    assert settings.data_dir == tmp_path and settings.llm_port == 9001
    assert settings.api_key == "k1"
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert settings.served_model_dir == settings.finetuned_model_dir  # the default


def test_fine_tuned_switch_and_model_path_choose_the_served_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOPASSIST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SHOPASSIST_LLM_FINETUNED", "false")
    base = Settings()
    assert base.served_model_dir == base.model_dir != base.finetuned_model_dir
    monkeypatch.setenv("SHOPASSIST_LLM_MODEL_PATH", str(tmp_path / "mine"))
    assert Settings().served_model_dir == tmp_path / "mine"


def test_mistyped_variable_is_rejected_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPASSIST_LLM_PROT", "9001")
    with pytest.raises(ValidationError, match="SHOPASSIST_LLM_PROT"):
        Settings()


def test_bad_value_names_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPASSIST_LLM_PORT", "eighty")
    with pytest.raises(ValidationError, match="llm_port"):
        Settings()


def test_forcing_the_first_search_follows_the_served_model_unless_set() -> None:
    assert Settings(llm_finetuned=False).forces_tool_first
    assert not Settings(llm_finetuned=True).forces_tool_first
    assert Settings(llm_finetuned=True, force_tool_first=True).forces_tool_first
    assert not Settings(llm_finetuned=False, force_tool_first=False).forces_tool_first
