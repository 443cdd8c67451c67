"""The markdown summary of a checker eval run (evals/reports/copy-checker.md)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evals.copy.run import Part
    from evals.copy.score import Score

_NOTES = """\
## How it is measured

- Clean copies: hand-written copies (`evals/copy/handwritten.yaml`, τ² only) and copies
  generated from hand-written sentence styles (`evals/copy/styles.yaml`), all true of their
  product. Each clean copy yields one copy per error kind with that error planted by rule
  (`evals/copy/plant.py`, `evals/copy/rules.py`): a true value, price, type or brand replaced
  by a false one, or a false statement inserted (invented feature, contradicted stock claim,
  a quantity the record does not state). The rules locate true statements by plain string
  search; they do not call the checker.
- A finding overlapping a planted span (same field) is a true positive; any other finding,
  on a clean copy or elsewhere in a planted one, is a false positive. Recall is per planted
  error.
- Catalogs: the τ² demo catalog (50 products, no brands or tags) and a seeded synthetic
  catalog (`retrieval.synthetic`, {synthetic} products with brands and tags), so nothing is
  measured only on τ²'s products. Brand errors can be planted only in the synthetic catalog.
- Split by product: the 15 τ² products in `evals/copy/split.yaml` and every third synthetic
  product are held out. Held-out products draw invented features from their own pool of
  claim phrases (`FEATURES["heldout"]` in plant.py), so words added to the checker for dev
  misses cannot help there. The checker and its word lists were developed looking at the
  dev part only; dev figures are therefore measured on the data they were tuned on.
- What the held-out part is and is not: the sentence styles of generated copies are shared
  by both parts, and the same person wrote the checker, the styles and the hand-written
  copies; the held-out figures measure new products, new hand-written text and unseen
  feature phrases, not an independent writer.

## Held-out history

The first held-out run (τ²: precision 1.000, recall 0.984 over 486 copies; synthetic:
precision 1.000, recall 0.994 over 600) missed 10 planted errors. Two were planting bugs, not
errors: "1000ml" planted for a product sold as "1L", and the brand "Pulse" planted for a
"Pulse Audio" product; the rules now skip both. One was a checker bug: function words of a
description ("in" of "built-in") backed an included item, so "includes a built-in radio"
passed; fixed, with a test. Not changed, and still missed below: held-out claim phrases
the checker has no word or shape for ("eco-friendly", "shock-absorbing"), and a bare
number among a product's size codes ("10, A6 or A5" for a notebook). The figures below
are from the run after those fixes, so the held-out part has now been seen once.

Outside the eval, a probe with looser marketing sentences showed what the clean copies here
do not contain: "a smart choice" was flagged (praise idioms are now skipped), "high-quality
fabric" on a cotton t-shirt is still flagged (another product's material), and "portable",
"ergonomic", "non-slip" are flagged whenever the record does not say so, by design.
"""


def _table(part: Part, result: Score, copies: int) -> list[str]:
    hand = sum(c.source == "hand" for c in part.clean)
    lines = [
        f"### {part.catalog} / {part.split}",
        "",
        f"{len(part.clean)} clean copies ({hand} hand-written, {len(part.clean) - hand} "
        f"generated), {copies} copies checked. Precision **{result.precision:.3f}**, "
        f"recall **{result.recall:.3f}**; clean copies with any finding: "
        f"{result.clean_flagged}/{result.clean_copies}.",
        "",
        "| planted kind | planted | found | recall |",
        "|---|---:|---:|---:|",
    ]
    for kind in part.kinds:
        if result.planted[kind]:
            lines.append(
                f"| {kind} | {result.planted[kind]} | {result.detected[kind]} | "
                f"{result.kind_recall(kind):.3f} |"
            )
    lines += ["", "| finding kind | true | false | precision |", "|---|---:|---:|---:|"]
    for kind in sorted(set(result.true_findings) | set(result.false_findings)):
        lines.append(
            f"| {kind} | {result.true_findings[kind]} | {result.false_findings[kind]} | "
            f"{result.kind_precision(kind):.3f} |"
        )
    if result.false_examples:
        lines += ["", "False positives (first 5):", ""]
        for case, finding in result.false_examples[:5]:
            lines.append(f"- `{case.case_id}` {finding.field}: '{finding.text}' — {finding.reason}")
    if result.missed_examples:
        lines += ["", "Missed planted errors (first 5):", ""]
        for case, _ in result.missed_examples[:5]:
            planted = case.planted[0]
            lines.append(f"- `{case.case_id}` {planted.field}: '{planted.text}' ({planted.kind})")
    return [*lines, ""]


def render_report(results: list[tuple[Part, Score, int]], args: argparse.Namespace) -> str:
    """The report for the parts of one run."""
    from evals.copy.run import SYNTHETIC_PRODUCTS

    lines = [
        "# Product copy faithfulness checker: eval",
        "",
        "Command: `python -m evals.copy.run"
        + (f" --split {args.split}" if args.split != "all" else "")
        + (f" --catalog {args.catalog}" if args.catalog != "all" else "")
        + f"` (seed {args.seed}, {args.per_product} generated copies per product).",
        "Targets: recall ≥ 0.95, precision ≥ 0.90.",
        "",
        "| part | clean copies | checked | precision | recall |",
        "|---|---:|---:|---:|---:|",
    ]
    for part, result, copies in results:
        lines.append(
            f"| {part.catalog} / {part.split} | {len(part.clean)} | {copies} | "
            f"{result.precision:.3f} | {result.recall:.3f} |"
        )
    lines += ["", _NOTES.format(synthetic=SYNTHETIC_PRODUCTS), "## Results by part", ""]
    for part, result, copies in results:
        lines += _table(part, result, copies)
    return "\n".join(lines).rstrip() + "\n"
