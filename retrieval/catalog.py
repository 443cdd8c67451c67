"""The typed catalog: a product with its purchasable variants."""

from __future__ import annotations

import hashlib
import math

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Variant(BaseModel):
    """One purchasable item of a product (τ² calls these "items")."""

    model_config = ConfigDict(extra="forbid")

    item_id: str = Field(min_length=1, description="Unique id of the variant item.")
    options: dict[str, str] = Field(
        default_factory=dict, description="Option name to value, e.g. {'color': 'blue'}."
    )
    price: float = Field(ge=0, description="Unit price in the store currency.")
    available: bool = Field(default=True, description="Whether the item can be bought now.")
    sku: str | None = Field(default=None, description="Merchant stock keeping unit, if any.")

    @field_validator("price")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("price must be a finite number")
        return value

    @field_validator("options")
    @classmethod
    def _clean_options(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned: dict[str, str] = {}
        for key, val in value.items():
            key, val = key.strip(), str(val).strip()
            if not key or not val:
                raise ValueError(f"option {key!r} has an empty name or value")
            cleaned[key] = val
        return cleaned


class Product(BaseModel):
    """A product of the catalog with its variants."""

    model_config = ConfigDict(extra="forbid")

    product_id: str = Field(min_length=1, description="Unique id of the product.")
    name: str = Field(min_length=1, description="Display name.")
    product_type: str = Field(min_length=1, description="Kind of product, e.g. 'T-Shirt'.")
    brand: str | None = Field(default=None, description="Brand or vendor, if known.")
    description: str = Field(default="", description="Plain-text product copy.")
    tags: list[str] = Field(default_factory=list, description="Merchant tags.")
    image_url: str | None = Field(default=None, description="Main image URL, if any.")
    variants: list[Variant] = Field(min_length=1, description="Purchasable variants.")

    @model_validator(mode="after")
    def _unique_items(self) -> Product:
        seen: set[str] = set()
        for variant in self.variants:
            if variant.item_id in seen:
                raise ValueError(f"item_id {variant.item_id!r} appears twice in the product")
            seen.add(variant.item_id)
        return self

    def content_hash(self) -> str:
        """A hash of everything stored about the product; equal hashes mean nothing changed."""
        return hashlib.sha256(self.model_dump_json().encode("utf-8")).hexdigest()

    def variant(self, item_id: str) -> Variant | None:
        """The variant with `item_id`, or None."""
        return next((v for v in self.variants if v.item_id == item_id), None)
