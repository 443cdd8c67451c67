"""Fitting the personal ranker: item-item signals with `implicit` and the logistic combiner."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from retrieval.interactions import KIND_WEIGHTS, Interaction
from retrieval.personal_features import FEATURES, Signals
from retrieval.profile import CatalogItems

MIN_EXAMPLES = 5
"""Shoppers with a held-out order (and positives) needed before weights are fitted."""

PRIOR_WEIGHTS: dict[str, float] = {
    "co_purchase": 1.0,
    "content": 0.5,
    "engaged_product": 0.8,
    "engaged_item": 0.8,
    "option_fit": 0.6,
    "price_band": 0.3,
    "price_position": 0.2,
    "available": 0.5,
    "popularity": 0.8,
    "item_popularity": 0.3,
    "bought_product": 0.0,
    "repurchase": 0.8,
}
"""Weights used until the store has enough shoppers with two purchases to fit them."""


@dataclass(frozen=True)
class Combiner:
    """Standardise the features, then a linear logit: the fitted (or prior) weighing."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logit(self, values: np.ndarray) -> np.ndarray:
        """The combined score of each row of feature values."""
        return ((values - self.mean) / self.scale) @ self.coef + self.intercept

    def probability(self, values: np.ndarray) -> np.ndarray:
        """The logit as a probability of being bought next."""
        return 1.0 / (1.0 + np.exp(-self.logit(values)))


def prior_combiner() -> Combiner:
    """The combiner of `PRIOR_WEIGHTS` on unstandardised features."""
    n = len(FEATURES)
    return Combiner(np.zeros(n), np.ones(n), np.array([PRIOR_WEIGHTS[f] for f in FEATURES]), 0.0)


def fit_signals(
    items: CatalogItems,
    product_vectors: np.ndarray,
    consumable: np.ndarray,
    histories: Iterable[list[Interaction]],
    neighbours: int,
) -> Signals:
    """Item-item similarity (cosine kNN over shoppers, by `implicit`) and popularity.

    The kNN runs on products, not variants: shoppers rarely share the exact variant, and the
    shopper's option habits pick the variant afterwards.
    """
    from implicit.nearest_neighbours import CosineRecommender
    from implicit.utils import ParameterWarning

    n_products, n_items = len(items.products), len(items)
    rows, cols, vals = [], [], []
    product_buyers = np.zeros(n_products)
    item_buyers = np.zeros(n_items)
    for u, history in enumerate(histories):
        bought_p: set[int] = set()
        bought_i: set[int] = set()
        for event in history:
            row = items.item_index.get(event.item_id)
            if row is None:
                continue
            p_row = int(items.product_of[row])
            rows.append(u)
            cols.append(p_row)
            vals.append(KIND_WEIGHTS[event.kind])
            if event.kind == "purchase":
                bought_p.add(p_row)
                bought_i.add(row)
        product_buyers[list(bought_p)] += 1
        item_buyers[list(bought_i)] += 1
    users = (max(rows) + 1) if rows else 0
    matrix = sparse.csr_matrix(
        (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(users, n_products)
    )
    matrix.sum_duplicates()
    if matrix.nnz:
        model = CosineRecommender(K=neighbours, num_threads=1)
        with warnings.catch_warnings():
            # implicit converts its own normalised COO matrix back to CSR and says so.
            warnings.simplefilter("ignore", category=ParameterWarning)
            model.fit(matrix, show_progress=False)
        similarity = sparse.csr_matrix(model.similarity, dtype=np.float64)
        similarity.setdiag(0.0)
        similarity.eliminate_zeros()
    else:
        similarity = sparse.csr_matrix((n_products, n_products), dtype=np.float64)
    return Signals(
        items=items,
        product_vectors=product_vectors,
        co_similarity=similarity,
        product_buyers=product_buyers,
        item_buyers=item_buyers,
        consumable=consumable,
    )


def fit_combiner(blocks: list[np.ndarray], labels: list[np.ndarray]) -> tuple[Combiner, str]:
    """A logistic regression on the examples (standardised features), or the prior weights
    when there are too few of them; returns the combiner and its name."""
    positives = int(sum(lab.sum() for lab in labels))
    if len(blocks) < MIN_EXAMPLES or positives < MIN_EXAMPLES:
        return prior_combiner(), "prior weights"
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    values = np.vstack(blocks)
    y = np.concatenate(labels)
    scaler = StandardScaler().fit(values)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((values - scaler.mean_) / scale, y)
    combiner = Combiner(scaler.mean_, scale, model.coef_[0].copy(), float(model.intercept_[0]))
    return combiner, "logistic regression"
