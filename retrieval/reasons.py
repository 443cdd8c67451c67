"""Why an item is suggested: a sentence built from the signal that raised it, and that signal.

A reason is written only for a feature that pushed the item up (its contribution to the
combined score is positive) and only from the shopper's or the store's actual data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from retrieval.personal_features import FEATURES, FeatureBlock, Signals
from retrieval.profile import ShopperProfile
from retrieval.text import normalize

MAX_REASONS = 3


class Reason(BaseModel):
    """One stated reason for a suggestion."""

    signal: str = Field(description="The feature behind it, e.g. 'co_purchase', 'option_fit'.")
    text: str = Field(description="The sentence shown to the shopper.")
    evidence: dict[str, str] = Field(
        default_factory=dict, description="The data it quotes (product ids, option values, ...)."
    )


_ENGAGED = {
    "cart_add": "you added {what} to your cart",
    "click": "you opened {what}",
    "view": "you looked at {what}",
}


def _money(value: float) -> str:
    return f"${value:,.0f}" if value >= 10 else f"${value:,.2f}"


def _reason(
    name: str, j: int, block: FeatureBlock, profile: ShopperProfile, signals: Signals
) -> Reason | None:
    """The reason for feature `name` of the block's j-th item, or None when it has no words."""
    items = signals.items
    row = int(block.rows[j])
    p_row = int(items.product_of[row])
    product = items.products[p_row]
    value = float(block.values[j, FEATURES.index(name)])
    if name == "co_purchase":
        source = int(block.evidence["co_purchase"][j])
        if source < 0:
            return None
        other = items.products[source]
        verb = "bought" if source in profile.bought_products else "looked at"
        return Reason(
            signal=name,
            text=f"shoppers who {verb} the {other.name} also bought this",
            evidence={"product_id": other.product_id},
        )
    if name == "content":
        source = int(block.evidence["content"][j])
        if source < 0:
            return None
        other = items.products[source]
        return Reason(
            signal=name,
            text=f"like the {other.name} you bought",
            evidence={"product_id": other.product_id},
        )
    if name == "engaged_item" and row in profile.engaged_items:
        kind = profile.engaged_items[row]
        return Reason(
            signal=name,
            text=_ENGAGED[kind].format(what="this one"),
            evidence={"item_id": items.item_ids[row], "kind": kind},
        )
    if name == "engaged_product" and p_row in profile.engaged_products:
        kind = profile.engaged_products[p_row]
        return Reason(
            signal=name,
            text=_ENGAGED[kind].format(what=f"the {product.name}"),
            evidence={"product_id": product.product_id, "kind": kind},
        )
    if name == "option_fit":
        matched = set(block.evidence["option_fit"][j])
        if not matched:
            return None
        # Quote the catalog's own spelling ("size M"), not the normalised form.
        shown = [(k, v) for k, v in items.variants[row].options.items()
                 if (normalize(k), normalize(v)) in matched]  # fmt: skip
        said = " and ".join(f"{k} {v}" for k, v in shown)
        return Reason(signal=name, text=f"in your usual {said}", evidence=dict(shown))
    if name == "price_band" and profile.price_band is not None and value >= 1.0:
        low, high = profile.price_band
        return Reason(
            signal=name,
            text=f"within your usual {_money(low)}–{_money(high)}",
            evidence={"low": f"{low:.2f}", "high": f"{high:.2f}",
                      "price": f"{items.price[row]:.2f}"},
        )  # fmt: skip
    if name == "price_position" and profile.price_position is not None:
        pct = float(items.price_percentile[row])
        if profile.price_position <= 1 / 3 and pct <= 1 / 3:
            text = "one of the cheaper options, as you usually choose"
        elif profile.price_position >= 2 / 3 and pct >= 2 / 3:
            text = "one of the premium options, as you usually choose"
        else:
            return None
        return Reason(signal=name, text=text, evidence={"usual": f"{profile.price_position:.2f}"})
    if name == "popularity":
        buyers = int(signals.product_buyers[p_row])
        if buyers < 1:
            return None
        return Reason(
            signal=name,
            text=f"popular: {buyers} shopper{'s' if buyers != 1 else ''} bought it",
            evidence={"buyers": str(buyers)},
        )
    if name == "item_popularity":
        buyers = int(signals.item_buyers[row])
        if buyers < 1:
            return None
        return Reason(
            signal=name,
            text=f"a popular choice: {buyers} shopper{'s' if buyers != 1 else ''} picked this one",
            evidence={"buyers": str(buyers)},
        )
    if name == "bought_product" and p_row in profile.bought_products:
        return Reason(
            signal=name,
            text=f"you bought a {product.name} before",
            evidence={"product_id": product.product_id},
        )
    if name == "repurchase" and profile.bought_items.get(row):
        times = profile.bought_items[row]
        text = "you buy this regularly" if times > 1 else "you bought this before"
        return Reason(signal=name, text=text, evidence={"item_id": items.item_ids[row]})
    if name == "available" and bool(items.available[row]):
        return Reason(signal=name, text="in stock now", evidence={})
    return None


def reasons_for(
    j: int,
    block: FeatureBlock,
    contributions: np.ndarray,
    profile: ShopperProfile,
    signals: Signals,
) -> list[Reason]:
    """Up to `MAX_REASONS` reasons for the block's j-th item, strongest contribution first.

    When no feature with words raised the item, the item's popularity (or, with no buyers
    at all, its stock) is stated: that is the prior that ranked it.
    """
    order = np.argsort(-contributions[j], kind="stable")
    out: list[Reason] = []
    for f in order.tolist():
        if contributions[j, f] <= 0 or len(out) >= MAX_REASONS:
            break
        reason = _reason(FEATURES[f], j, block, profile, signals)
        if reason is not None:
            out.append(reason)
    if not out:
        for name in ("popularity", "available"):
            reason = _reason(name, j, block, profile, signals)
            if reason is not None:
                return [reason]
        product = signals.items.product(int(block.rows[j]))
        out.append(
            Reason(
                signal="catalog",
                text=f"a {product.product_type} from the catalog",
                evidence={"product_id": product.product_id},
            )
        )
    return out


def contribution_matrix(values: np.ndarray, combiner: Any) -> np.ndarray:
    """Each feature's share of each item's logit, relative to the average item."""
    return ((values - combiner.mean) / combiner.scale) * combiner.coef
