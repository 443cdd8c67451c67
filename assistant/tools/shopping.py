"""Shopping tools: product search, product details, comparison, cart and FAQ answers.

They read the catalog index (`ctx.catalog`), the FAQ index (`ctx.faq`) and the store
(`ctx.store`, for carts and as the fallback source of product data). Each returns a typed
record of `assistant.tools.results`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.store.models import CartItem
from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError, ToolKind, ToolRegistry
from assistant.tools.results import (
    Cart,
    CatalogProduct,
    Comparison,
    ComparisonRow,
    FaqAnswer,
    Passage,
    ProductHit,
    ProductVariant,
    SearchResults,
)
from retrieval.faq import answering
from retrieval.relax import constraints
from retrieval.search import SearchHit
from retrieval.sorting import Sort, sort_items

SHOPPING_TOOLS = ToolRegistry()

SEARCH_RESULTS = 5
SORTED_CANDIDATES = 60
FAQ_PASSAGES = 3
MAX_COMPARED = 5


class ProductFilters(BaseModel):
    """Constraints on a product search; every result satisfies all of them."""

    model_config = ConfigDict(extra="forbid")

    min_price: float | None = Field(default=None, ge=0, description="Lowest price in dollars.")
    max_price: float | None = Field(default=None, ge=0, description="Highest price in dollars.")
    product_type: str | None = Field(
        default=None, description="Kind of product, e.g. 'T-Shirt' or 'Water Bottle'."
    )
    options: dict[str, str] = Field(
        default_factory=dict,
        description="Required option values, e.g. {'color': 'blue', 'size': 'M'}.",
    )
    in_stock: bool | None = Field(
        default=None, description="True to return only items that can be bought now."
    )


def _catalog(ctx: ToolContext) -> Any:
    if ctx.catalog is None:
        raise ToolError("product search is not available right now")
    return ctx.catalog


def _search_filters(filters: ProductFilters | None) -> Any:
    from retrieval.filters import SearchFilters

    if filters is None:
        return None
    return SearchFilters(
        min_price=filters.min_price,
        max_price=filters.max_price,
        product_types=[filters.product_type] if filters.product_type else [],
        options={k: [v] for k, v in filters.options.items()},
        available=filters.in_stock,
    )


@SHOPPING_TOOLS.tool(
    ToolKind.READ,
    shows=True,
    offered_for=("search", "product_info", "compare", "similar", "recommend", "cart_add"),
)
def search_products(
    ctx: ToolContext, query: str, filters: ProductFilters | None = None, sort: Sort = "relevance"
) -> SearchResults:
    """Search the store's catalog for items matching what the shopper describes.

    Returns up to 5 items with their product id, item id, name, options, price and stock.

    Args:
        query: What the shopper is looking for, in their words, e.g. 'waterproof hiking boots'.
        filters: Optional constraints: price range in dollars, product type, option values,
            in stock only.
        sort: 'relevance', or 'price_asc' / 'price_desc' (cheapest / most expensive first),
            'size_asc' / 'size_desc' (smallest / biggest first) over every matching item.
    """
    if not query.strip() and (filters is None or filters == ProductFilters()):
        raise ToolError("query is empty: say what to search for, e.g. 'red running shoes'")
    # An order over the matches needs all of them ranked, not just the first few.
    depth = SEARCH_RESULTS if sort == "relevance" else SORTED_CANDIDATES
    result = _catalog(ctx).search(query, _search_filters(filters), depth)
    kinds = result.filters.product_types
    if sort == "relevance" and len(kinds) > 1 and len({h.product_type for h in result.hits}) < 2:
        # "the smart watch or the wristwatch": every kind asked for is shown, not five of one.
        wide = _catalog(ctx).search(query, _search_filters(filters), SORTED_CANDIDATES)
        result = wide.model_copy(update={"hits": each_kind_in_turn(wide.hits)})
    ordered = sort_items(result.hits, sort, lambda h: h.price, lambda h: h.options)
    hits = [
        ProductHit(
            product_id=h.product_id,
            item_id=h.item_id,
            name=h.name,
            product_type=h.product_type,
            options=dict(h.options),
            price=h.price,
            available=h.available,
        )
        for h in ordered[:SEARCH_RESULTS]
    ]
    note = f"no exact match; filters relaxed: {result.relaxation}" if result.relaxation else None
    understood = [c.describe(result.filters) for c in constraints(result.filters)]
    missing = [] if result.filters.product_types else _catalog(ctx).not_carried(query)
    return SearchResults(
        query=query,
        results=hits,
        note=note,
        understood=understood,
        sort=sort,
        not_carried=missing,
    )


def each_kind_in_turn(hits: Sequence[SearchHit]) -> list[SearchHit]:
    """Hits re-ordered to take the best of each product type in turn, keeping each type's
    own order: [A1, A2, B1, A3, B2] becomes [A1, B1, A2, B2, A3]."""
    by_kind: dict[str, list[SearchHit]] = {}
    for hit in hits:
        by_kind.setdefault(hit.product_type, []).append(hit)
    rounds = zip_longest(*by_kind.values())
    return [hit for round_ in rounds for hit in round_ if hit is not None]


def _product(ctx: ToolContext, product_id: str) -> CatalogProduct | None:
    """A product from the catalog index, else from the store."""
    product = ctx.catalog.get_product(product_id) if ctx.catalog is not None else None
    if product is not None:
        return CatalogProduct(
            product_id=product.product_id,
            name=product.name,
            product_type=product.product_type,
            brand=product.brand,
            description=product.description,
            variants=[
                ProductVariant(
                    item_id=v.item_id, options=dict(v.options), price=v.price, available=v.available
                )
                for v in product.variants
            ],
        )
    stored = ctx.store.product(product_id)
    if stored is None:
        return None
    return CatalogProduct(
        product_id=stored.product_id,
        name=stored.name,
        variants=[ProductVariant.model_validate(v.model_dump()) for v in stored.variants.values()],
    )


def _not_a_product(ctx: ToolContext, product_id: str) -> ToolError:
    owner = ctx.store.product_for_item(product_id)
    if owner is not None:
        return ToolError(
            f"{product_id} is an item id, not a product id; it belongs to product "
            f"{owner.product_id} ({owner.name})"
        )
    return ToolError(f"no product with id {product_id}")


@SHOPPING_TOOLS.tool(
    ToolKind.READ,
    shows=True,
    offered_for=("search", "product_info", "compare", "similar", "cart_add", "swap"),
)
def get_product(ctx: ToolContext, product_id: str, wanted: str | None = None) -> CatalogProduct:
    """Get one product with its description and its variant items (options, price, stock).

    Args:
        product_id: The product id, a 10-digit number such as '6086499569'. It is not an item id.
        wanted: The shopper's words about which variants they want, e.g. 'a leather band
            under $330'; only the variants that fit are listed (all of them when none do).
    """
    product = _product(ctx, product_id.strip())
    if product is None:
        raise _not_a_product(ctx, product_id.strip())
    if wanted and wanted.strip() and ctx.catalog is not None:
        product = _fitting(product, ctx.catalog.understand(f"{product.product_type} {wanted}"))
    return product


def _fitting(product: CatalogProduct, parsed: Any) -> CatalogProduct:
    """The product with only the variants that meet the constraints read from the words."""
    wanted = parsed.filters
    keys = {k for v in product.variants for k in v.options}
    options = {k: set(vs) for k, vs in wanted.options.items() if k in keys}

    def fits(v: ProductVariant) -> bool:
        if wanted.min_price is not None and v.price < wanted.min_price:
            return False
        if wanted.max_price is not None and v.price > wanted.max_price:
            return False
        if wanted.available is not None and v.available != wanted.available:
            return False
        return all(v.options.get(k, "").lower() in vs for k, vs in options.items())

    constrained = options or wanted.min_price is not None or wanted.max_price is not None
    if not constrained and wanted.available is None:
        return product
    fitting = [v for v in product.variants if fits(v)]
    said = " and ".join(c for c in parsed.understood if not c.startswith("type "))
    if not fitting:
        note = f"none of its {len(product.variants)} variants is {said}; all are listed"
        return product.model_copy(update={"matching": note})
    note = f"{len(fitting)} of its {len(product.variants)} variants: {said}"
    # "what sizes does it come in? is there a medium?": the narrowed list still says what
    # else the product comes in.
    return product.model_copy(
        update={
            "variants": fitting,
            "matching": note,
            "offered": option_values(product.variants),
            "all_prices": [v.price for v in product.variants],
            "all_in_stock": sum(v.available for v in product.variants),
        }
    )


def option_values(variants: Sequence[ProductVariant]) -> dict[str, list[str]]:
    """Every value each option takes across `variants`, in first-seen order."""
    options: dict[str, list[str]] = {}
    for variant in variants:
        for key, value in variant.options.items():
            if value not in options.setdefault(key, []):
                options[key].append(value)
    return options


def _price_range(prices: Sequence[float]) -> str | float:
    low, high = min(prices), max(prices)
    return f"${low:.2f} to ${high:.2f}" if low != high else low


def _column(ctx: ToolContext, ref: str) -> dict[str, Any]:
    """One compared thing: a whole product, or a single item of a product."""
    product = _product(ctx, ref)
    if product is not None:
        options = option_values(product.variants)
        in_stock = sum(1 for v in product.variants if v.available)
        return {
            "label": f"{product.name} (product {ref})",
            "name": product.name,
            "product_type": product.product_type,
            "brand": product.brand,
            "price": _price_range([v.price for v in product.variants]),
            "available": f"{in_stock} of {len(product.variants)} variants in stock",
            "options": {k: " / ".join(v) for k, v in options.items()},
        }
    owner = ctx.store.product_for_item(ref)
    product = _product(ctx, owner.product_id) if owner is not None else None
    item = next((v for v in product.variants if v.item_id == ref), None) if product else None
    if product is None or item is None:
        raise ToolError(f"no product or item with id {ref}")
    return {
        "label": f"{product.name} (item {ref})",
        "name": product.name,
        "product_type": product.product_type,
        "brand": product.brand,
        "price": item.price,
        "available": item.available,
        "options": dict(item.options),
    }


@SHOPPING_TOOLS.tool(ToolKind.READ, shows=True, offered_for=("compare", "search"))
def compare_products(
    ctx: ToolContext, ids: Annotated[list[str], Field(min_length=2, max_length=MAX_COMPARED)]
) -> Comparison:
    """Compare 2 to 5 products or items side by side: name, type, brand, price, stock, options.

    Args:
        ids: Product ids or item ids (10-digit numbers), e.g. ['6086499569', '1008292230'].
    """
    refs = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    if not 2 <= len(refs) <= MAX_COMPARED:
        raise ToolError(f"give 2 to {MAX_COMPARED} different ids to compare, got {len(refs)}")
    columns = [_column(ctx, ref) for ref in refs]
    option_names = list(dict.fromkeys(k for c in columns for k in c["options"]))
    rows = [
        ComparisonRow(attribute=attr, values=[c[attr] for c in columns])
        for attr in ("name", "product_type", "brand", "price", "available")
        if any(c[attr] is not None for c in columns)
    ]
    rows += [
        ComparisonRow(attribute=key, values=[c["options"].get(key) for c in columns])
        for key in option_names
    ]
    return Comparison(ids=refs, columns=[c["label"] for c in columns], rows=rows)


def _cart(items: list[CartItem]) -> Cart:
    total = round(sum(i.quantity * i.unit_price for i in items), 2)
    return Cart(items=items, total=total)


Quantity = Annotated[int, Field(ge=1, le=100)]


@SHOPPING_TOOLS.tool(ToolKind.REVERSIBLE, shows=True, offered_for=("cart_add",))
def add_to_cart(ctx: ToolContext, item_id: str, quantity: Quantity = 1) -> Cart:
    """Add an item (a specific variant) to the shopper's cart; it can be undone.

    Args:
        item_id: The item id of the variant, a 10-digit number such as '1008292230'; not a
            product id.
        quantity: How many to add, from 1 to 100.
    """
    return _cart(ctx.store.cart_add(ctx.session.session_id, item_id.strip(), quantity))


@SHOPPING_TOOLS.tool(ToolKind.REVERSIBLE, shows=True, offered_for=("cart_remove",))
def remove_from_cart(ctx: ToolContext, item_id: str, quantity: Quantity | None = None) -> Cart:
    """Remove an item from the shopper's cart; it can be undone.

    Args:
        item_id: The item id to remove, a 10-digit number such as '1008292230'.
        quantity: How many to remove; leave empty to remove the item completely.
    """
    return _cart(ctx.store.cart_remove(ctx.session.session_id, item_id.strip(), quantity))


@SHOPPING_TOOLS.tool(ToolKind.REVERSIBLE, shows=True, offered_for=("cart_undo",))
def undo_cart_change(ctx: ToolContext) -> Cart:
    """Undo the last change to the shopper's cart (an item added or removed by mistake)."""
    return _cart(ctx.store.cart_undo(ctx.session.session_id))


@SHOPPING_TOOLS.tool(
    ToolKind.READ, shows=True, offered_for=("cart_view", "cart_add", "cart_remove", "cart_undo")
)
def view_cart(ctx: ToolContext) -> Cart:
    """Show the shopper's cart: each item with quantity and current price, and the total."""
    return _cart(ctx.store.cart_items(ctx.session.session_id))


@SHOPPING_TOOLS.tool(ToolKind.READ, offered_for=("faq",))
def answer_faq(ctx: ToolContext, question: str) -> FaqAnswer:
    """Find the store's help and policy passages that answer a question (shipping, returns, ...).

    Args:
        question: The shopper's question, e.g. 'How long do refunds take?'.
    """
    if ctx.faq is None:
        raise ToolError("the store's help pages are not available right now")
    if not question.strip():
        raise ToolError("question is empty")
    passages = ctx.faq.search(question, FAQ_PASSAGES)
    return FaqAnswer(
        question=question,
        passages=[Passage(source=p.source, heading=p.heading, text=p.text) for p in passages],
        answering=answering(passages),
    )
