"""Precision and recall of the checker on planted errors.

A finding that overlaps a planted error's span (same field) is a true positive and detects
that error; every other finding, on a clean copy or away from the planted span, is a false
positive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.copy import Finding
from evals.copy.cases import Case


@dataclass
class Score:
    """Counts over a set of checked cases."""

    planted: Counter[str] = field(default_factory=Counter)  # by planted kind
    detected: Counter[str] = field(default_factory=Counter)  # by planted kind
    true_findings: Counter[str] = field(default_factory=Counter)  # by finding kind
    false_findings: Counter[str] = field(default_factory=Counter)  # by finding kind
    clean_copies: int = 0
    clean_flagged: int = 0
    false_examples: list[tuple[Case, Finding]] = field(default_factory=list)
    missed_examples: list[tuple[Case, list[Finding]]] = field(default_factory=list)

    def add(self, case: Case, findings: list[Finding]) -> None:
        """Score one case's findings."""
        if case.clean:
            self.clean_copies += 1
            self.clean_flagged += bool(findings)
        for planted in case.planted:
            self.planted[planted.kind] += 1
        hit_kinds: set[int] = set()
        for finding in findings:
            hits = [
                i
                for i, p in enumerate(case.planted)
                if p.field == finding.field and finding.overlaps(p.start, p.end)
            ]
            if hits:
                self.true_findings[finding.kind] += 1
                hit_kinds.update(hits)
            else:
                self.false_findings[finding.kind] += 1
                self.false_examples.append((case, finding))
        for i, planted in enumerate(case.planted):
            if i in hit_kinds:
                self.detected[planted.kind] += 1
            else:
                self.missed_examples.append((case, findings))

    @property
    def precision(self) -> float:
        """True findings over all findings (1.0 when there are none)."""
        true, false = sum(self.true_findings.values()), sum(self.false_findings.values())
        return true / (true + false) if true + false else 1.0

    @property
    def recall(self) -> float:
        """Detected planted errors over planted errors."""
        total = sum(self.planted.values())
        return sum(self.detected.values()) / total if total else 1.0

    def kind_recall(self, kind: str) -> float:
        """Recall on one planted kind."""
        return self.detected[kind] / self.planted[kind] if self.planted[kind] else 1.0

    def kind_precision(self, kind: str) -> float:
        """Precision of one finding kind."""
        true, false = self.true_findings[kind], self.false_findings[kind]
        return true / (true + false) if true + false else 1.0


def score(cases: Iterable[tuple[Case, list[Finding]]]) -> Score:
    """The score of checked cases."""
    result = Score()
    for case, findings in cases:
        result.add(case, findings)
    return result
