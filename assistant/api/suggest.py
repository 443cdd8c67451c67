"""Suggestions as you type: `GET /v1/suggest?q=` completes a partial query from the catalog's
words and the store's earlier searches."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from assistant.api.deps import require_api_key, state
from assistant.api.errors import ERROR_RESPONSES
from retrieval.suggest_queries import catalog_phrases, complete

router = APIRouter(
    prefix="/v1",
    tags=["search"],
    dependencies=[Depends(require_api_key)],
    responses=ERROR_RESPONSES,
)


class Suggestions(BaseModel):
    """Completions of what the shopper has typed so far, most likely first."""

    q: str
    suggestions: list[str] = Field(description="Up to `limit` completions.")


class _Phrases:
    """The catalog's phrases, rebuilt when the catalog's size changes."""

    def __init__(self) -> None:
        self.count = -1
        self.phrases: Counter[str] = Counter()

    def of(self, catalog: Any) -> Counter[str]:
        count = catalog.count()
        if count != self.count:
            self.phrases, self.count = catalog_phrases(catalog.products()), count
        return self.phrases


_cache = _Phrases()


@router.get("/suggest", response_model=Suggestions)
def suggest(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What was typed.")],
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> Suggestions:
    """Complete a partial search query."""
    services = state(request).services
    catalog, _ = services.indexes
    searched = [e.query for e in services.store.events() if e.query and e.source == "search"]
    return Suggestions(q=q, suggestions=complete(q, _cache.of(catalog), searched, limit))
