"""Importer for the τ²-bench retail database (`{"products": {id: {...}}}`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import ValidationError

from retrieval.catalog import Product, Variant
from retrieval.importers.report import ImportReport, validation_reason

_PLURALS = {"size": "sizes", "color": "colors", "material": "materials", "style": "styles"}


def _plural(word: str) -> str:
    if word in _PLURALS:
        return _PLURALS[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def templated_description(name: str, variants: list[Variant]) -> str:
    """Deterministic copy for a product that has none, from its option names.

    It names the choices (not each value) so a variant's text does not mention the colors or
    sizes of its siblings, which would mislead lexical search.
    """
    values: dict[str, set[str]] = defaultdict(set)
    for variant in variants:
        for key, value in variant.options.items():
            values[key].add(value)
    choices = [f"{len(v)} {_plural(k) if len(v) > 1 else k}" for k, v in values.items()]
    if not choices:
        return f"{name}."
    listed = ", ".join(choices[:-1]) + (" and " if len(choices) > 1 else "") + choices[-1]
    count = len(variants)
    return f"{name} offered in {count} variant{'s' if count != 1 else ''}: {listed} to choose from."


def import_tau2(db: dict[str, Any]) -> ImportReport:
    """Read the `products` of a τ² retail db dict; `product_type` is the τ² product name.

    Error "lines" are 1-based positions of the product in the `products` mapping.
    """
    report = ImportReport(source="tau2")
    products = db.get("products")
    if not isinstance(products, dict):
        report.error(0, "no 'products' mapping in the τ² database")
        return report
    for position, (key, raw) in enumerate(products.items(), start=1):
        try:
            variants = [
                Variant(
                    item_id=str(v["item_id"]),
                    options={str(k): str(val) for k, val in v.get("options", {}).items()},
                    price=float(v["price"]),
                    available=bool(v.get("available", True)),
                )
                for v in raw["variants"].values()
            ]
            name = str(raw["name"])
            report.products.append(
                Product(
                    product_id=str(raw.get("product_id", key)),
                    name=name,
                    product_type=name,
                    description=templated_description(name, variants),
                    variants=variants,
                )
            )
        except ValidationError as error:
            report.error(position, f"product {key}: {validation_reason(error)}", str(key))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            report.error(
                position, f"product {key}: malformed ({type(error).__name__}: {error})", str(key)
            )
    return report
