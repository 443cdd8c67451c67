"""What the shopper is asking for: request kinds detected by a classifier over sentence embeddings.

The engine offers the model only the tools that fit what the shopper asked for (a return is
proposed only when a return was asked for), so the detection must generalise to phrasings
nobody wrote for it. A logistic regression (scikit-learn) over the embeddings of the search's
own sentence-transformers model is trained on hand-written examples per request kind
(`data/requests.yaml`), with character n-grams beside them for misspellings and the words the
embedding model knows little of (other languages, shop jargon). A message is split into
clauses ("find me a lamp and where is my order?") and every clause gets its kinds, so several
requests in one message are all seen.
The fitted classifier is cached in the data folder, keyed by the examples and the model.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

EXAMPLES = Path(__file__).with_name("data") / "requests.yaml"
THRESHOLD = 0.5
"""The whole message asks for a kind when its probability is at least this (its best kind
always counts when at least `FLOOR`); a clause only at `CLAUSE_THRESHOLD`, so the pieces of a
message add what they clearly say, not noise."""
FLOOR = 0.2
CLAUSE_THRESHOLD = 0.6
ADD_ONS = frozenset({"identity", "greeting"})
"""Kinds said on the way to a request ("hi, I'm jo@example.com, ..."): when one is the whole
message's best kind, the next best counts too (from `FLOOR`)."""
_CLAUSE = re.compile(r"(?<=[.!?;])\s+|\s+(?:and then|and also|also|plus|and)\s+(?=\w)", re.I)
_FINE = re.compile(r"(?<=[,.!?;])\s+|\s+(?:and then|and also|also|plus|and|but)\s+(?=\w)", re.I)
_MIN_CLAUSE_WORDS = 2
_FEATURES = "embedding+char-2-5"
"""Names the classifier's inputs, so a cached fit of other inputs is never read."""


class Encoder(Protocol):
    """Turns texts into unit-length sentence embeddings (`retrieval.embeddings.Embedder`)."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text."""
        ...


@dataclass(frozen=True)
class Requests:
    """The request kinds a message holds, with the classifier's best probability for each."""

    kinds: frozenset[str]
    scores: dict[str, float]
    ordered: tuple[str, ...] = ()
    """The kinds in the order the message states them (clause by clause)."""

    def __contains__(self, kind: object) -> bool:
        return kind in self.kinds


NONE = Requests(frozenset(), {})


def load_examples(path: Path = EXAMPLES) -> dict[str, list[str]]:
    """The hand-written examples by request kind."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {kind: list(entry["examples"]) for kind, entry in data["labels"].items()}


def clauses(text: str, *, fine: bool = False) -> list[str]:
    """The message, and its clauses when it has several with a few words each.

    `fine` also splits at commas and "but" ("yes, but exchange it"), for short messages
    whose every part counts, such as a confirmation.
    """
    splitter = _FINE if fine else _CLAUSE
    parts = [p.strip(" ,") for p in splitter.split(text) if p and p.strip(" ,")]
    least = 1 if fine else _MIN_CLAUSE_WORDS
    long_enough = [p for p in parts if len(p.split()) >= least]
    return [text, *long_enough] if len(long_enough) > 1 else [text]


@dataclass(frozen=True)
class _Classifier:
    """The fitted character n-grams and the classifier over them and the embeddings."""

    grams: Any
    model: Any

    def features(self, vectors: np.ndarray, texts: Sequence[str]) -> Any:
        """Embeddings and n-gram weights side by side, one row per text."""
        from scipy import sparse

        return sparse.hstack([sparse.csr_matrix(vectors), self.grams.transform(texts)]).tocsr()


class RequestDetector:
    """Detects request kinds in shopper messages.

    Args:
        encoder: The sentence embedding model.
        cache_dir: Where the fitted classifier is kept (None: fitted in memory each time).
        examples: Hand-written examples by kind (the shipped file by default).
    """

    def __init__(
        self,
        encoder: Encoder,
        cache_dir: Path | None = None,
        examples: dict[str, list[str]] | None = None,
    ) -> None:
        self.encoder = encoder
        self.examples = examples if examples is not None else load_examples()
        self.cache_dir = cache_dir
        self._model: _Classifier | None = None
        self._lock = threading.Lock()
        # A turn asks about one message many times (each planning step, the confirmation,
        # the offer): the answer for a text is worked out once.
        self._detect = lru_cache(maxsize=4096)(self._detect_uncached)

    @property
    def kinds(self) -> list[str]:
        """Every kind the detector knows."""
        return sorted(self.examples)

    def _fingerprint(self) -> str:
        digest = hashlib.sha256(f"{_FEATURES}:{self.encoder.name}".encode())
        for kind in self.kinds:
            digest.update(kind.encode())
            for example in self.examples[kind]:
                digest.update(example.encode())
        return digest.hexdigest()[:16]

    def _fit(self) -> _Classifier:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts = [t for kind in self.kinds for t in self.examples[kind]]
        labels = [kind for kind in self.kinds for _ in self.examples[kind]]
        grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        grams.fit(texts)
        classifier = _Classifier(grams, LogisticRegression(C=16.0, max_iter=3000))
        classifier.model.fit(classifier.features(self.encoder.encode(texts), texts), labels)
        return classifier

    def model(self) -> _Classifier:
        """The fitted classifier (fitted, or read from the cache, on first use)."""
        with self._lock:
            if self._model is not None:
                return self._model
            path = None
            if self.cache_dir is not None:
                path = self.cache_dir / f"requests-{self._fingerprint()}.pkl"
                if path.exists():
                    self._model = pickle.loads(path.read_bytes())
                    return self._model
            self._model = self._fit()
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pickle.dumps(self._model))
            return self._model

    def detect(self, text: str, *, fine: bool = False) -> Requests:
        """The kinds `text` asks for (`fine`: split into smaller parts, see `clauses`)."""
        if not text.strip():
            return NONE
        return self._detect(text, fine)

    def _detect_uncached(self, text: str, fine: bool) -> Requests:
        classifier = self.model()
        model = classifier.model
        parts = clauses(text, fine=fine)
        probabilities = model.predict_proba(classifier.features(self.encoder.encode(parts), parts))
        ordered: list[str] = []
        scores: dict[str, float] = {}
        # The clauses first, in the message's order, then the whole message (the first row).
        rows = [(row, CLAUSE_THRESHOLD, 1.1) for row in probabilities[1:]]
        rows.append((probabilities[0], THRESHOLD, FLOOR))
        for row, threshold, floor in rows:
            ranked = [int(i) for i in np.argsort(-row)]
            leading = ranked[:1]
            if str(model.classes_[ranked[0]]) in ADD_ONS:
                leading = ranked[:2]
            for index in ranked:
                kind, p = str(model.classes_[index]), float(row[index])
                scores[kind] = max(scores.get(kind, 0.0), p)
                if (p >= threshold or (index in leading and p >= floor)) and kind not in ordered:
                    ordered.append(kind)
        if not ordered:
            # A context sentence can drown the request ("I read a lot. Show me e-readers?"):
            # then the best kind of any part counts.
            kind, p = max(scores.items(), key=lambda item: item[1])
            if p >= FLOOR:
                ordered.append(kind)
        return Requests(frozenset(ordered), scores, tuple(ordered))
