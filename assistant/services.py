"""Composition root: builds the store, search indexes, chat model and dialogue engine once.

Every interface (UI, API, MCP, CLI chat, evals) gets its engine from here, so they all run
the same tools under the same policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from assistant.copy.desk import CopyDesk
    from assistant.engine import DialogueEngine
    from assistant.engine.requests import RequestDetector
    from assistant.identity.gate import IdentityGate
    from assistant.llm.types import ChatModel
    from assistant.store import Store
    from assistant.tools.registry import ToolRegistry


@dataclass
class Services:
    """Lazily built shared services for one process."""

    settings: Settings

    @cached_property
    def store(self) -> Store:
        """The SQL store (users, orders, carts, sessions, turn logs)."""
        from assistant.store import Store

        store = Store(self.settings.sqlalchemy_url)
        store.create_all()
        return store

    @cached_property
    def indexes(self) -> tuple[Any, Any]:
        """The catalog and FAQ search indexes."""
        from retrieval import open_indexes

        s = self.settings
        reranker = s.data_dir / "models" / "reranker" if s.rerank else None
        catalog, faq = open_indexes(s.data_dir, s.embedding_model, s.chroma_url, reranker)
        fill_details_from_index(self.store, catalog)
        return catalog, faq

    @cached_property
    def registry(self) -> ToolRegistry:
        """Every tool the assistant offers."""
        from assistant.tools import default_registry

        return default_registry()

    @cached_property
    def model(self) -> ChatModel:
        """The chat model client (local vLLM server or the configured URL)."""
        from assistant.llm.client import chat_model_from_settings

        return chat_model_from_settings(self.settings)

    @cached_property
    def requests(self) -> RequestDetector | None:
        """What decides the tools offered each turn (None when the setting turns it off)."""
        if not self.settings.offer_by_request:
            return None
        from assistant.engine.requests import RequestDetector

        catalog, _ = self.indexes
        return RequestDetector(catalog.embedder, cache_dir=self.settings.data_dir / "models")

    @cached_property
    def personal(self) -> Any:
        """The personal ranker, fitted on the store's orders (None when the catalog is empty)."""
        from assistant.tools.suggestions import personal_ranker

        catalog, _ = self.indexes
        return personal_ranker(self.store, catalog) if catalog.count() else None

    @cached_property
    def identity(self) -> IdentityGate | None:
        """How shoppers sign in; None in `lookup` mode (τ²'s rule, the engine's default).

        `verify` sends codes through a file sender: `<data dir>/outbox/codes.jsonl`.
        """
        from assistant.identity.codes import FileSender
        from assistant.identity.gate import IdentityGate

        mode = self.settings.identity
        if mode == "lookup":
            return None
        sender = FileSender(self.settings.data_dir / "outbox" / "codes.jsonl")
        return IdentityGate(mode, self.store, sender if mode == "verify" else None)

    @cached_property
    def copy_desk(self) -> CopyDesk:
        """Product listings for the merchant: written, checked, kept as drafts, approved."""
        from assistant.copy.desk import CopyDesk

        catalog, _ = self.indexes
        return CopyDesk(self.model, catalog, self.store)

    @cached_property
    def merchant_engine(self) -> DialogueEngine:
        """The merchant's assistant: the shopper's tools plus product copy."""
        from assistant.tools import merchant_registry

        catalog, faq = self.indexes
        return make_engine(
            self.settings,
            self.model,
            self.store,
            merchant_registry(),
            catalog,
            faq,
            self.requests,
            self.personal,
            self.copy_desk,
            self.identity,
        )

    @cached_property
    def engine(self) -> DialogueEngine:
        """The dialogue engine over all of the above."""
        catalog, faq = self.indexes
        return make_engine(
            self.settings,
            self.model,
            self.store,
            self.registry,
            catalog,
            faq,
            self.requests,
            self.personal,
            identity=self.identity,
        )


def fill_details_from_index(store: Store, catalog: Any) -> int:
    """Give the store the details (kind, copy, brand…) of products it lacks them for from the
    search index's copy: once, for a data dir written before the store held them. Returns
    how many products were filled (0, after a single query, when none lack them)."""
    missing = store.ids_without_details()
    if not missing:
        return 0
    return store.fill_missing_details(
        p for product_id in missing if (p := catalog.get_product(product_id)) is not None
    )


def make_engine(
    settings: Settings,
    model: ChatModel,
    store: Store,
    registry: ToolRegistry,
    catalog: Any,
    faq: Any,
    requests: RequestDetector | None = None,
    personal: Any | None = None,
    copywriter: Any | None = None,
    identity: IdentityGate | None = None,
) -> DialogueEngine:
    """A dialogue engine configured by `settings` over the given parts (evals give each
    dialogue its own store)."""
    from assistant.engine import DialogueEngine, auto_tool_choice, require_tool_first

    return DialogueEngine(
        model,
        store,
        registry,
        catalog=catalog,
        faq=faq,
        personal=personal,
        copywriter=copywriter,
        identity=identity,
        max_tool_rounds=settings.max_tool_rounds,
        hold_arguments=settings.llm_constrain_ids,
        requests=requests,
        tool_choice=require_tool_first() if settings.forces_tool_first else auto_tool_choice,
    )


def build_services(settings: Settings | None = None) -> Services:
    """Services for `settings` (the environment's settings by default)."""
    return Services(settings or get_settings())
