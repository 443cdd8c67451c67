"""Typed product copy: the request a merchant makes and the draft a model writes.

`parse_draft` turns the model's text into a `CopyDraft`, or raises `DraftError` saying what was
wrong and where, so the error can be shown to the merchant or fed back to the model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CopyField = Literal["title", "short_description", "bullets", "meta_description"]
COPY_FIELDS: tuple[CopyField, ...] = ("title", "short_description", "bullets", "meta_description")

Length = Literal["short", "medium", "long"]


class CopyDraft(BaseModel):
    """A product listing: the texts a storefront shows for one product."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(default="", max_length=200, description="Listing title, one line.")
    short_description: str = Field(
        default="", max_length=2000, description="One short paragraph under the title."
    )
    bullets: list[str] = Field(
        default_factory=list, max_length=12, description="Selling points, one fact each."
    )
    meta_description: str = Field(
        default="", max_length=400, description="Search-engine summary, about 150 characters."
    )

    @field_validator("title", "short_description", "meta_description")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("bullets")
    @classmethod
    def _clean_bullets(cls, value: list[str]) -> list[str]:
        cleaned = [b.strip().lstrip("-•* ").strip() for b in value]
        for position, bullet in enumerate(cleaned):
            if not bullet:
                raise ValueError(f"bullet {position + 1} is empty")
            if len(bullet) > 300:
                raise ValueError(f"bullet {position + 1} is longer than 300 characters")
        return cleaned

    def texts(self) -> Iterator[tuple[str, str]]:
        """Each text of the draft with its field name: `title`, `bullets[0]`, ...

        Findings name their text this way, and spans are character offsets into it.
        """
        yield "title", self.title
        yield "short_description", self.short_description
        for position, bullet in enumerate(self.bullets):
            yield f"bullets[{position}]", bullet
        yield "meta_description", self.meta_description

    def text_of(self, field: str) -> str:
        """The text a finding's `field` names (see `texts`)."""
        for name, text in self.texts():
            if name == field:
                return text
        raise KeyError(f"the draft has no field {field!r}")


class CopyRequest(BaseModel):
    """What the merchant asks for: which product, in which voice, which fields."""

    model_config = ConfigDict(extra="forbid")

    product_id: str = Field(min_length=1, description="Product to write the listing for.")
    tone: str = Field(
        default="friendly",
        min_length=1,
        max_length=60,
        pattern=r"^[^\n\r]+$",
        description="Voice of the copy, e.g. 'friendly', 'premium', 'playful'.",
    )
    length: Length = Field(default="medium", description="How much to write.")
    audience: str = Field(
        default="online shoppers",
        min_length=1,
        max_length=120,
        pattern=r"^[^\n\r]+$",
        description="Who the copy speaks to, e.g. 'runners', 'parents of toddlers'.",
    )
    fields: list[CopyField] = Field(
        default_factory=lambda: list(COPY_FIELDS),
        min_length=1,
        description="Fields to write; the others stay empty.",
    )

    @field_validator("fields")
    @classmethod
    def _unique(cls, value: list[CopyField]) -> list[CopyField]:
        return [f for f in COPY_FIELDS if f in value]


class DraftError(ValueError):
    """The model's output is not a usable draft; the message says what was wrong."""


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def _json_text(text: str) -> str:
    """The JSON object inside `text`: the text itself when it is one (fences may sit inside
    its strings), else a fenced block, else the outermost braces."""
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        return stripped
    fenced = _FENCE.search(text)
    if fenced:
        return fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end < start:
        return text.strip()
    return text[start : end + 1]


def _where(loc: Sequence[int | str]) -> str:
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc]
    return "".join(parts).lstrip(".") or "the draft"


def parse_draft(text: str, required: Sequence[CopyField] = ()) -> CopyDraft:
    """Read a `CopyDraft` from a model's reply (a JSON object, optionally in a code fence).

    Args:
        text: The model's reply.
        required: Fields that must be present and non-empty (the ones requested).

    Returns:
        The draft.

    Raises:
        DraftError: The reply is empty, not JSON, not an object, has unknown or mistyped
            fields, or leaves a required field empty; the message names the field or the
            line and column of the JSON error.
    """
    if not text or not text.strip():
        raise DraftError("the reply is empty; expected a JSON object with the copy fields")
    body = _json_text(text)
    try:
        data: Any = json.loads(body)
    except json.JSONDecodeError as error:
        raise DraftError(
            f"the reply is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from error
    if not isinstance(data, dict):
        raise DraftError(f"the reply is JSON {type(data).__name__}, expected an object")
    if isinstance(data.get("bullets"), str):
        raise DraftError("field 'bullets' is a string; expected a list of strings")
    try:
        draft = CopyDraft.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in error.errors())
        raise DraftError(f"the reply does not match the copy fields: {problems}") from error
    missing = [
        name
        for name in required
        if not (draft.bullets if name == "bullets" else getattr(draft, name))
    ]
    if missing:
        raise DraftError(f"required field(s) missing or empty: {', '.join(missing)}")
    return draft
