"""What the shopping tools return: typed records, so rendering dispatches on the type.

The customer-service tools return τ²'s records (`Order`, `User`, `Product` in
`assistant.store.models`) or, where τ² returns a bare string, a `RootModel` of that string, so
the data the model sees is τ²'s to the letter while every result still has a type.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel

from assistant.store.models import CartItem


class ProductHit(BaseModel):
    """One item (a variant of a product) a search found."""

    product_id: str = Field(description="The product the item belongs to.")
    item_id: str = Field(description="The item id (the variant), used to order or add to cart.")
    name: str = Field(description="The product's name.")
    product_type: str = Field(description="The kind of product.")
    options: dict[str, str] = Field(description="The item's option values.")
    price: float = Field(description="The item's price in dollars.")
    available: bool = Field(description="Whether the item can be bought now.")


class SearchResults(BaseModel):
    """The items a catalog search found, best first (or in the order asked for)."""

    query: str = Field(description="The query searched.")
    results: list[ProductHit] = Field(description="Matching items, best first.")
    note: str | None = Field(default=None, description="Which filters were relaxed, if any.")
    understood: list[str] = Field(
        default_factory=list, description="The constraints every result meets."
    )
    sort: str = Field(default="relevance", description="The order of the results.")
    not_carried: list[str] = Field(
        default_factory=list,
        description="What the shopper asked for that no product is: the results are only near it.",
    )


class ProductVariant(BaseModel):
    """One item of a product."""

    item_id: str
    options: dict[str, str]
    price: float
    available: bool


class CatalogProduct(BaseModel):
    """A product with its description and every item."""

    product_id: str
    name: str
    product_type: str | None = None
    brand: str | None = None
    description: str | None = None
    variants: list[ProductVariant]
    matching: str | None = Field(
        default=None, description="Which variants are listed, when the shopper narrowed them."
    )
    offered: dict[str, list[str]] = Field(
        default_factory=dict,
        description="When the variants were narrowed: every option value the product comes in.",
    )
    all_prices: list[float] = Field(
        default_factory=list, description="When narrowed: the price of each of its variants."
    )
    all_in_stock: int | None = Field(
        default=None, description="When narrowed: how many of all its variants are in stock."
    )


class ComparisonRow(BaseModel):
    """One attribute across the compared things (None where one has no such attribute)."""

    attribute: str
    values: list[str | float | bool | None]


class Comparison(BaseModel):
    """Products or items side by side."""

    ids: list[str] = Field(description="The compared product or item ids, in column order.")
    columns: list[str] = Field(description="A label per compared thing.")
    rows: list[ComparisonRow]


class Cart(BaseModel):
    """The shopper's cart and its total."""

    items: list[CartItem]
    total: float


class Passage(BaseModel):
    """A passage of the store's help and policy pages."""

    source: str = Field(description="The page it comes from.")
    heading: str = Field(description="The heading it stands under.")
    text: str


class FaqAnswer(BaseModel):
    """The help passages found for a question, best first."""

    question: str
    passages: list[Passage]
    answering: int = Field(
        default=1,
        description="How many of the first passages answer it: the best, and a second "
        "section that search ranks almost as high.",
    )


class UserId(RootModel[str]):
    """The user id an identity lookup found."""


class ProductTypes(RootModel[str]):
    """A JSON object mapping product names to product ids, as τ²'s tool returns it."""


class Calculation(RootModel[str]):
    """The result of an arithmetic expression, rounded to cents, as text."""


class VerificationSent(RootModel[str]):
    """An account was named and a one-time code sent; nothing about it is shown yet."""


class Transfer(RootModel[str]):
    """The confirmation that the conversation went to a person."""


class Reason(BaseModel):
    """Why an item is suggested: the signal behind it, in words."""

    signal: str
    text: str


class Suggestion(BaseModel):
    """One suggested item (or product), with the reasons that put it there."""

    product_id: str
    item_id: str | None = Field(default=None, description="The variant; None: the product.")
    name: str
    options: dict[str, str] = Field(default_factory=dict)
    price: float
    available: bool
    reasons: list[Reason]


class Suggestions(BaseModel):
    """Suggestions, best first."""

    about: str = Field(description="For whom or what: a shopper, or the product compared to.")
    results: list[Suggestion]


class ProductCopy(BaseModel):
    """A product listing written for the merchant, kept as a draft until approved."""

    draft_id: int = Field(description="The stored draft, to approve, edit or rewrite.")
    product_id: str
    name: str = Field(description="The product's name in the catalog.")
    title: str = ""
    short_description: str = ""
    bullets: list[str] = Field(default_factory=list)
    meta_description: str = ""
    passed: bool = Field(description="The faithfulness check found nothing unsupported.")
    problems: list[str] = Field(
        default_factory=list, description="What the check found unsupported, field by field."
    )
    attempts: int = Field(description="Completions it took (1: passed first time).")
    status: str = Field(description="`draft`, `approved` or `superseded`.")
    tone: str = Field(default="friendly", description="The voice asked for.")
    length: str = Field(default="medium", description="short, medium or long.")
    audience: str = Field(default="online shoppers", description="Who it speaks to.")
