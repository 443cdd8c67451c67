"""Suggestion tools: personal picks for the signed-in shopper and items like a given one.

Both read the personal ranker (`ctx.personal`, fitted on the store's orders and events); each
suggestion carries the reasons the ranker found for it ("you bought ...", "in your usual size
M", "within your usual $40–60").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.tools.context import ToolContext
from assistant.tools.registry import ToolError, ToolKind, ToolRegistry
from assistant.tools.results import Reason, Suggestion, Suggestions

if TYPE_CHECKING:
    from assistant.store import Store
    from retrieval.personal import PersonalRanker
    from retrieval.search import CatalogIndex

SUGGESTION_TOOLS = ToolRegistry()
SUGGESTED = 5


def personal_ranker(store: Store, catalog: CatalogIndex) -> PersonalRanker:
    """The personal ranker of a store: its catalog, fitted on what its shoppers bought."""
    from retrieval.interactions import Interaction
    from retrieval.personal import PersonalRanker

    ranker = PersonalRanker(catalog.products(), catalog.embedder)
    ranker.fit(
        Interaction(user_id=u, item_id=i, kind="purchase", timestamp=n)
        for u, i, n in store.purchases()
    )
    return ranker


def _ranker(ctx: ToolContext) -> Any:
    if ctx.personal is None:
        raise ToolError("suggestions are not available right now")
    return ctx.personal


def _typed(found: Any) -> Suggestion:
    return Suggestion(
        product_id=found.product_id,
        item_id=found.item_id,
        name=found.name,
        options=dict(found.options),
        price=found.price,
        available=found.available,
        reasons=[Reason(signal=r.signal, text=r.text) for r in found.reasons],
    )


@SUGGESTION_TOOLS.tool(ToolKind.READ, needs_auth=True, shows=True, offered_for=("recommend",))
def recommend_for_user(ctx: ToolContext, context: str = "") -> Suggestions:
    """Suggest items for the signed-in shopper from their orders and what they looked at.

    Args:
        context: What the shopper said they want, in their words (may be empty).
    """
    user_id = ctx.session.user_id
    if user_id is None:
        raise ToolError("suggestions need a signed-in shopper")
    found = _ranker(ctx).recommend(user_id, SUGGESTED)
    return Suggestions(about=user_id, results=[_typed(f) for f in found])


@SUGGESTION_TOOLS.tool(ToolKind.READ, shows=True, offered_for=("similar",))
def similar_products(ctx: ToolContext, product_id: str) -> Suggestions:
    """Suggest products like a given one (similar in kind, or bought together by shoppers).

    Args:
        product_id: The product id to find similar products for, such as '6086499569'.
    """
    try:
        found = _ranker(ctx).similar_items(product_id.strip(), SUGGESTED)
    except KeyError:
        raise ToolError(f"no product with id {product_id}") from None
    return Suggestions(about=product_id, results=[_typed(f) for f in found])
