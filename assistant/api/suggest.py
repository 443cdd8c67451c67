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


def _phrases(request: Request, catalog: Any) -> Counter[str]:
    """The catalog's phrases, kept on the app and read again when the catalog's size changes."""
    count = catalog.count()
    cached: tuple[int, Counter[str]] | None = getattr(request.app.state, "catalog_phrases", None)
    if cached is None or cached[0] != count:
        cached = (count, catalog_phrases(catalog.products()))
        request.app.state.catalog_phrases = cached
    return cached[1]


@router.get("/suggest", response_model=Suggestions)
def suggest(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What was typed.")],
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> Suggestions:
    """Complete a partial search query."""
    services = state(request).services
    catalog, _ = services.indexes
    searched = services.store.searched_queries()
    return Suggestions(q=q, suggestions=complete(q, _phrases(request, catalog), searched, limit))
