"""Merchant routes: product listings written as drafts, listed, approved (the merchant's key)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import require_merchant_key, state
from assistant.api.errors import ERROR_RESPONSES, ApiError
from assistant.copy.desk import UnknownDraft, UnknownProduct
from assistant.store.errors import StoreError
from assistant.tools.registry import ToolError
from assistant.tools.results import ProductCopy

router = APIRouter(
    prefix="/v1/merchant",
    tags=["merchant"],
    dependencies=[Depends(require_merchant_key)],
    responses=ERROR_RESPONSES,
)


class CopyIn(BaseModel):
    """What to write: voice, length, audience, fields."""

    model_config = ConfigDict(extra="forbid")

    tone: str = Field(default="friendly", min_length=1, max_length=60)
    length: Literal["short", "medium", "long"] = "medium"
    audience: str = Field(default="online shoppers", min_length=1, max_length=120)
    fields: list[Literal["title", "short_description", "bullets", "meta_description"]] | None = None


class CopyEdits(BaseModel):
    """The merchant's edits to a draft before approving it (fields left out stay)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    short_description: str | None = None
    bullets: list[str] | None = None
    meta_description: str | None = None


def _desk(request: Request) -> Any:
    return state(request).services.copy_desk


@router.post("/products/{product_id}/copy", response_model=ProductCopy, status_code=201)
def write_copy(
    request: Request,
    product_id: Annotated[str, Path(max_length=128, description="The product to write for.")],
    body: Annotated[CopyIn, Body()] | None = None,
) -> ProductCopy:
    """Write a listing with the served model, check it, and keep it as a draft."""
    wanted = body or CopyIn()
    try:
        written: ProductCopy = _desk(request).write(product_id, **wanted.model_dump())
    except ToolError as err:
        code = 404 if isinstance(err, UnknownProduct) else 422
        raise ApiError(code, "copy_failed", str(err)) from err
    return written


@router.get("/copy", response_model=list[ProductCopy])
def list_copy(
    request: Request,
    product_id: Annotated[str | None, Query(max_length=128)] = None,
    status: Annotated[Literal["draft", "approved", "superseded"] | None, Query()] = None,
) -> list[ProductCopy]:
    """Stored listings, oldest first, with what the check found in each."""
    desk = _desk(request)
    try:
        return [desk.shown(d) for d in desk.store.copy_drafts(product_id, status)]
    except StoreError as err:
        raise ApiError(422, "bad_filter", str(err)) from err


@router.post("/copy/{draft_id}/approve", response_model=ProductCopy)
def approve_copy(
    request: Request,
    draft_id: Annotated[int, Path(ge=1)],
    edits: Annotated[CopyEdits, Body()] | None = None,
) -> ProductCopy:
    """Approve a draft (with edits): it becomes the description search reads."""
    changes = edits.model_dump(exclude_none=True) if edits else None
    try:
        approved: ProductCopy = _desk(request).approve(draft_id, changes)
    except ToolError as err:
        code = 404 if isinstance(err, UnknownDraft) else 422
        raise ApiError(code, "approve_failed", str(err)) from err
    return approved
