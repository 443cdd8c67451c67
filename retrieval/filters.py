"""Search filters and their two evaluations: a Chroma `where` clause and a numpy mask.

Both evaluations come from the same normalized fields, so the dense and the lexical channel
always agree on which documents a filter allows.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from retrieval.text import normalize


def option_field(key: str) -> str:
    """The metadata field holding option `key` (normalized) in Chroma."""
    return "opt_" + "_".join(normalize(key).replace("/", " ").replace("-", " ").split())


class SearchFilters(BaseModel):
    """Constraints applied before ranking: every hit satisfies all of them.

    Within a list the values are alternatives (OR); different fields combine with AND.
    Matching of types, brands and option values ignores case.
    """

    model_config = ConfigDict(extra="forbid")

    min_price: float | None = Field(default=None, ge=0, description="Lowest price allowed.")
    max_price: float | None = Field(default=None, ge=0, description="Highest price allowed.")
    product_types: list[str] = Field(default_factory=list, description="Allowed product types.")
    options: dict[str, list[str]] = Field(
        default_factory=dict, description="Option name to allowed values, e.g. {'size': ['M']}."
    )
    available: bool | None = Field(default=None, description="Only in-stock (True) items.")
    brands: list[str] = Field(default_factory=list, description="Allowed brands.")

    @field_validator("options")
    @classmethod
    def _normalize_options(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, values in value.items():
            norm_values = sorted({normalize(v) for v in values if normalize(v)})
            if norm_values:
                out.setdefault(normalize(key), [])
                out[normalize(key)] = sorted(set(out[normalize(key)]) | set(norm_values))
        return out

    @model_validator(mode="after")
    def _price_order(self) -> SearchFilters:
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price > self.max_price
        ):
            raise ValueError(f"min_price {self.min_price} is above max_price {self.max_price}")
        return self

    def is_empty(self) -> bool:
        """True when nothing is constrained."""
        return (
            self.min_price is None
            and self.max_price is None
            and not self.product_types
            and not self.options
            and self.available is None
            and not self.brands
        )

    def merged(self, parsed: SearchFilters) -> SearchFilters:
        """These (explicit) filters completed by `parsed` ones; explicit values win per field."""
        options = dict(parsed.options)
        options.update(self.options)
        low = self.min_price if self.min_price is not None else parsed.min_price
        high = self.max_price if self.max_price is not None else parsed.max_price
        if low is not None and high is not None and low > high:
            # An explicit bound contradicts one read from the text: the explicit one stands.
            if self.min_price is None:
                low = None
            else:
                high = None
        return SearchFilters(
            min_price=low,
            max_price=high,
            product_types=self.product_types or parsed.product_types,
            options=options,
            available=self.available if self.available is not None else parsed.available,
            brands=self.brands or parsed.brands,
        )

    def chroma_where(self) -> dict[str, Any] | None:
        """The filter as a Chroma `where` clause (None when empty)."""
        clauses: list[dict[str, Any]] = []
        if self.min_price is not None:
            clauses.append({"price": {"$gte": float(self.min_price)}})
        if self.max_price is not None:
            clauses.append({"price": {"$lte": float(self.max_price)}})
        if self.product_types:
            clauses.append(
                {"type_norm": {"$in": sorted({normalize(t) for t in self.product_types})}}
            )
        if self.brands:
            clauses.append({"brand_norm": {"$in": sorted({normalize(b) for b in self.brands})}})
        if self.available is not None:
            clauses.append({"available": {"$eq": self.available}})
        for key, values in sorted(self.options.items()):
            clauses.append({option_field(key): {"$in": list(values)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(
        self,
        *,
        price: float,
        available: bool,
        product_type: str,
        brand: str | None,
        options: dict[str, str],
    ) -> bool:
        """Whether one item satisfies every constraint (the reference semantics)."""
        if self.min_price is not None and price < self.min_price:
            return False
        if self.max_price is not None and price > self.max_price:
            return False
        if self.available is not None and available != self.available:
            return False
        if self.product_types and normalize(product_type) not in {
            normalize(t) for t in self.product_types
        }:
            return False
        if self.brands and (
            brand is None or normalize(brand) not in {normalize(b) for b in self.brands}
        ):
            return False
        norm_options = {normalize(k): normalize(v) for k, v in options.items()}
        return all(norm_options.get(key) in values for key, values in self.options.items())
