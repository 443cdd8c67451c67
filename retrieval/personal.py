"""Personal ranking: suggestions for a shopper, similar items, and search hits re-ordered for them.

Signals (see `retrieval.personal_features`): item-item collaborative similarity fitted with
`implicit`, content similarity to what the shopper bought (sentence embeddings), their usual
option values and price band, stock, and a popularity prior. A logistic regression fitted on
leave-last-purchase-out examples of the store's own shoppers weighs them. Bought variants are
not suggested again unless their product is consumable; the top-k is diversified by MMR; every
suggestion states the signals that raised it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np
from pydantic import BaseModel, Field

from retrieval.catalog import Product
from retrieval.embeddings import Embedder
from retrieval.interactions import Interaction, by_user, split_last_purchase
from retrieval.mmr import mmr
from retrieval.personal_features import (
    FEATURES,
    FeatureBlock,
    Signals,
    compute_features,
    content_affinity,
    product_affinity,
)
from retrieval.personal_fit import fit_combiner, fit_signals, prior_combiner
from retrieval.profile import CatalogItems, ShopperProfile, build_profile
from retrieval.reasons import Reason, contribution_matrix, reasons_for


class Suggestion(BaseModel):
    """One suggested item (or, from `similar_items`, product) with its reasons."""

    product_id: str
    item_id: str | None = Field(description="The suggested variant; None for a whole product.")
    name: str
    product_type: str
    options: dict[str, str] = Field(default_factory=dict)
    price: float
    available: bool
    score: float = Field(description="The ranker's score; higher is better.")
    reasons: list[Reason] = Field(min_length=1)


class _HasItem(Protocol):
    item_id: str


H = TypeVar("H", bound=_HasItem)


@dataclass
class PersonalHit(Generic[H]):
    """A search hit re-ordered for a shopper."""

    hit: H
    score: float
    personal_score: float
    reasons: list[Reason]


@dataclass(frozen=True)
class FitSummary:
    """What `PersonalRanker.fit` learnt from."""

    shoppers: int
    interactions: int
    unknown_items: int
    examples: int
    positives: int
    combiner: str  # "logistic regression" or "prior weights"
    weights: dict[str, float]


def product_text(product: Product) -> str:
    """The text a product is embedded by for content similarity."""
    parts = [product.name]
    if product.product_type.lower() != product.name.lower():
        parts.append(product.product_type)
    if product.brand:
        parts.append(f"by {product.brand}")
    if product.description:
        parts.append(product.description[:400])
    if product.tags:
        parts.append(", ".join(product.tags))
    return ". ".join(parts)


class PersonalRanker:
    """Suggestions for shoppers of one catalog, fitted on the store's interactions."""

    def __init__(
        self,
        products: Sequence[Product],
        embedder: Embedder,
        *,
        consumable: Iterable[str] = (),
        neighbours: int = 50,
        candidate_products: int = 300,
        negatives_per_example: int = 30,
        mmr_lambda: float = 0.7,
        seed: int = 0,
    ) -> None:
        """Prepare the ranker for a catalog (embeds each product once).

        Args:
            products: The catalog.
            embedder: Embeds product texts for content similarity.
            consumable: Ids of products that are bought again and again (coffee, filters):
                their bought variants may be suggested again; no other bought variant is.
            neighbours: Neighbours per product kept by the item-item model.
            candidate_products: Products scored in full per request, chosen by a cheap
                pre-score (co-purchase + content + popularity + engagement).
            negatives_per_example: Items sampled against each held-out purchase when fitting.
            mmr_lambda: Relevance weight of the diversification (1 = none).
            seed: Seeds the negative sampling.
        """
        self.items = CatalogItems(products)
        unknown = set(consumable) - set(self.items.product_index)
        if unknown:
            raise ValueError(f"consumable product ids not in the catalog: {sorted(unknown)[:5]}")
        self.consumable = np.array([p.product_id in set(consumable) for p in self.items.products])
        self.embedder = embedder
        vectors = embedder.encode([product_text(p) for p in self.items.products])
        self.product_vectors = np.asarray(vectors, dtype=np.float64)
        self.neighbours = neighbours
        self.candidate_products = candidate_products
        self.negatives_per_example = negatives_per_example
        self.mmr_lambda = mmr_lambda
        self.seed = seed
        self._histories: dict[str, list[Interaction]] = {}
        self._signals = self._fit_signals([])
        self._combiner = prior_combiner()

    # ------------------------------------------------------------------ fitting

    def _fit_signals(self, histories: Iterable[list[Interaction]]) -> Signals:
        return fit_signals(
            self.items, self.product_vectors, self.consumable, histories, self.neighbours
        )

    def _excluded(self, profile: ShopperProfile) -> set[int]:
        """Item rows never suggested to this shopper: bought, of a non-consumable product."""
        return {r for r in profile.bought_items if not self.consumable[self.items.product_of[r]]}

    def fit(self, interactions: Iterable[Interaction]) -> FitSummary:
        """Fit the signals on every interaction and the combiner on leave-last-purchase-out.

        For each shopper with purchases at two or more times, the last order's items are the
        positives and sampled catalog items the negatives, with features computed from the
        shopper's earlier history and from signals fitted without anyone's last order (so
        the combiner never sees the answer through the co-purchase model).
        """
        given = list(interactions)
        known = [i for i in given if i.item_id in self.items.item_index]
        self._histories = by_user(known)
        splits = {u: split_last_purchase(h) for u, h in self._histories.items()}
        held_out = self._fit_signals(
            s[0] if s is not None else h
            for h, s in ((self._histories[u], splits[u]) for u in self._histories)
        )
        rng = random.Random(self.seed)
        blocks: list[np.ndarray] = []
        labels: list[np.ndarray] = []
        n_items = len(self.items)
        for user in sorted(self._histories):
            split = splits[user]
            if split is None:
                continue
            before, target = split
            profile = build_profile(user, before, self.items)
            excluded = self._excluded(profile)
            positives = sorted({self.items.item_index[t.item_id] for t in target} - excluded)
            if not positives:
                continue
            negatives: set[int] = set()
            while len(negatives) < min(self.negatives_per_example, n_items - len(positives)):
                row = rng.randrange(n_items)
                if row not in excluded and row not in positives:
                    negatives.add(row)
            rows = np.asarray(positives + sorted(negatives), dtype=np.int64)
            block = compute_features(profile, rows, held_out)
            blocks.append(block.values)
            labels.append(np.r_[np.ones(len(positives)), np.zeros(len(negatives))])
        self._signals = self._fit_signals(self._histories.values())
        examples = sum(len(b) for b in blocks)
        positives_count = int(sum(lab.sum() for lab in labels))
        self._combiner, name = fit_combiner(blocks, labels)
        return FitSummary(
            shoppers=len(self._histories),
            interactions=len(known),
            unknown_items=len(given) - len(known),
            examples=examples,
            positives=positives_count,
            combiner=name,
            weights={f: round(float(w), 4) for f, w in zip(FEATURES, self._combiner.coef,
                                                          strict=True)},
        )  # fmt: skip

    # ------------------------------------------------------------------ scoring

    def profile(self, user_id: str) -> ShopperProfile:
        """The profile of `user_id` from the fitted interactions (empty for a stranger)."""
        return build_profile(user_id, self._histories.get(user_id, []), self.items)

    def _score(self, profile: ShopperProfile, rows: np.ndarray) -> tuple[FeatureBlock, np.ndarray]:
        block = compute_features(profile, rows, self._signals)
        return block, self._combiner.probability(block.values)

    def _candidate_rows(self, profile: ShopperProfile, include_unavailable: bool) -> np.ndarray:
        affinity, _ = product_affinity(profile, self._signals)
        content, _ = content_affinity(profile, self._signals)
        pop, _ = self._signals.popularity()
        engaged = np.zeros(len(self.items.products))
        engaged[list(profile.engaged_products)] = 1.0
        pre = affinity + content + pop + engaged
        top = np.argsort(-pre, kind="stable")[: self.candidate_products]
        excluded = self._excluded(profile)
        rows = [
            r
            for p in sorted(top.tolist())
            for r in self.items.items_of[p]
            if r not in excluded and (include_unavailable or self.items.available[r])
        ]
        return np.asarray(rows, dtype=np.int64)

    def _suggestion(
        self, block: FeatureBlock, j: int, score: float, reasons: list[Reason]
    ) -> Suggestion:
        row = int(block.rows[j])
        product = self.items.product(row)
        variant = self.items.variants[row]
        return Suggestion(
            product_id=product.product_id,
            item_id=variant.item_id,
            name=product.name,
            product_type=product.product_type,
            options=dict(variant.options),
            price=variant.price,
            available=variant.available,
            score=round(float(score), 6),
            reasons=reasons,
        )

    def recommend(
        self,
        user_id: str,
        k: int = 10,
        *,
        diversify: bool = True,
        include_unavailable: bool = False,
    ) -> list[Suggestion]:
        """The `k` items to suggest to `user_id`, at most one variant per product.

        Args:
            user_id: The shopper; a stranger gets the popularity prior.
            k: How many suggestions.
            diversify: Re-order the top by MMR over product embeddings.
            include_unavailable: Also suggest items that cannot be bought now.
        """
        profile = self.profile(user_id)
        rows = self._candidate_rows(profile, include_unavailable)
        if k <= 0 or not len(rows):
            return []
        block, prob = self._score(profile, rows)
        # The best-scoring variant stands for its product.
        best: dict[int, int] = {}
        for j, row in enumerate(rows.tolist()):
            p = int(self.items.product_of[row])
            if p not in best or prob[j] > prob[best[p]]:
                best[p] = j
        chosen = sorted(best.values(), key=lambda j: (-prob[j], j))
        if diversify and len(chosen) > 1:
            pool = chosen[: max(3 * k, k + 10)]
            vectors = self.product_vectors[self.items.product_of[block.rows[pool]]]
            similarity = np.clip(vectors @ vectors.T, 0.0, 1.0)
            relevance = prob[pool]
            # On the similarity's [0, 1] scale: raw probabilities can all be tiny, and then
            # the redundancy term alone would order the list.
            spread = relevance.max() - relevance.min()
            relevance = (relevance - relevance.min()) / spread if spread > 0 else relevance * 0
            order = mmr(relevance, similarity, k, self.mmr_lambda)
            chosen = [pool[i] for i in order]
        chosen = chosen[:k]
        contributions = contribution_matrix(block.values, self._combiner)
        return [
            self._suggestion(
                block, j, prob[j], reasons_for(j, block, contributions, profile, self._signals)
            )
            for j in chosen
        ]

    def similar_items(self, product_id: str, k: int = 10) -> list[Suggestion]:
        """Products like `product_id`: content similarity and co-purchase, half each.

        Raises:
            KeyError: When the product is not in the catalog.
        """
        if product_id not in self.items.product_index:
            raise KeyError(f"unknown product id {product_id!r}")
        p = self.items.product_index[product_id]
        source = self.items.products[p]
        content = np.clip(self.product_vectors @ self.product_vectors[p], 0.0, 1.0)
        co = self._signals.co_similarity[p].toarray().ravel()
        co_norm = co / co.max() if co.max() > 0 else co
        score = 0.5 * content + 0.5 * co_norm
        score[p] = -np.inf
        together = self._bought_together(p)
        out: list[Suggestion] = []
        for q in np.argsort(-score, kind="stable")[:k].tolist():
            if not np.isfinite(score[q]):
                break
            product = self.items.products[q]
            parts: list[tuple[float, Reason]] = []
            if co[q] > 0 and together.get(q, 0) > 0:
                n = together[q]
                parts.append((0.5 * co_norm[q], Reason(
                    signal="co_purchase",
                    text=f"bought together with the {source.name} by {n} "
                         f"shopper{'s' if n != 1 else ''}",
                    evidence={"product_id": source.product_id, "shoppers": str(n)},
                )))  # fmt: skip
            kind = "the same kind of product" if product.product_type == source.product_type \
                else "a close match in description"  # fmt: skip
            parts.append((0.5 * content[q], Reason(
                signal="content",
                text=f"like the {source.name}: {kind}",
                evidence={"product_id": source.product_id, "cosine": f"{content[q]:.2f}"},
            )))  # fmt: skip
            reasons = [r for _, r in sorted(parts, key=lambda t: -t[0])]
            available = [v for v in product.variants if v.available] or product.variants
            out.append(
                Suggestion(
                    product_id=product.product_id,
                    item_id=None,
                    name=product.name,
                    product_type=product.product_type,
                    price=min(v.price for v in available),
                    available=any(v.available for v in product.variants),
                    score=round(float(score[q]), 6),
                    reasons=reasons,
                )
            )
        return out

    def _bought_together(self, p: int) -> dict[int, int]:
        """Shoppers who bought product `p` and each other product."""
        buyers: dict[int, set[str]] = {}
        for user, history in self._histories.items():
            for event in history:
                if event.kind == "purchase":
                    q = int(self.items.product_of[self.items.item_index[event.item_id]])
                    buyers.setdefault(q, set()).add(user)
        with_p = buyers.get(p, set())
        return {q: len(users & with_p) for q, users in buyers.items() if q != p}

    def rerank_hits(
        self, user_id: str, hits: Sequence[H], *, weight: float = 0.3
    ) -> list[PersonalHit[H]]:
        """Search hits ordered by (1 − weight)·search position + weight·relative personal score.

        Search order stays the main evidence (the shopper asked for something); the personal
        score moves hits the shopper is likely to want up. A stranger's hits keep their
        order. Hits of items not in the catalog keep a personal score of 0.
        """
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"weight must be within [0, 1], got {weight}")
        n = len(hits)
        profile = self.profile(user_id)
        rows = [self.items.item_index.get(h.item_id) for h in hits]
        known = [j for j, r in enumerate(rows) if r is not None]
        personal = np.zeros(n)
        reasons: list[list[Reason]] = [[] for _ in hits]
        if profile.known and known:
            block, prob = self._score(profile, np.asarray([rows[j] for j in known]))
            contributions = contribution_matrix(block.values, self._combiner)
            for i, j in enumerate(known):
                personal[j] = prob[i]
                reasons[j] = reasons_for(i, block, contributions, profile, self._signals)
            w = weight
        else:
            w = 0.0
        position = 1.0 - np.arange(n) / max(1, n)
        # Relative to the best hit: probabilities are small and would barely move anything.
        relative = personal / personal.max() if personal.max() > 0 else personal
        final = (1.0 - w) * position + w * relative
        order = sorted(range(n), key=lambda j: (-final[j], j))
        return [PersonalHit(hits[j], float(final[j]), float(personal[j]), reasons[j])
                for j in order]  # fmt: skip
