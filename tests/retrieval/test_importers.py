"""Importers: τ² db, JSON Lines and Shopify CSV, with line-numbered errors for bad rows."""

from __future__ import annotations

import json
from pathlib import Path

from retrieval_support import SHOPIFY_HEADER, shopify_rows, write_csv

from retrieval.importers import import_json, import_jsonl, import_path, import_shopify_csv
from retrieval.importers.tau2 import import_tau2


def test_shopify_csv_keeps_good_rows_and_reports_bad_ones(tmp_path: Path) -> None:
    rows, broken = shopify_rows()
    assert len(rows) == 100 and len(broken) == 5
    lines = write_csv(tmp_path / "products.csv", rows)
    report = import_shopify_csv(tmp_path / "products.csv")
    assert report.variant_count == 95
    assert [e.line for e in report.errors] == [lines[i] for i in broken]
    reasons = " | ".join(e.reason for e in report.errors)
    for expected in ("'twelve' is not a number", "missing Variant Price", "'lots' is not a number",
                     "'-3' is not a valid price", "no Option3 Name"):  # fmt: skip
        assert expected in reasons
    first = next(p for p in report.products if p.product_id == "tee-001")
    assert (
        first.name == "Organic Tee 1" and first.brand == "Acme" and first.product_type == "T-Shirt"
    )
    assert first.description == "Soft organic cotton, made to last."
    assert first.tags == ["cotton", "summer"]
    assert first.image_url == "https://img.example/tee-001.jpg"
    assert [v.options for v in first.variants] == [
        {"Color": "red", "Size": "M"},
        {"Color": "blue", "Size": "L"},
    ]
    # Qty 0 with the "deny" policy is out of stock; qty > 0 is available.
    assert [v.available for v in first.variants] == [True, True]
    zero = next(v for p in report.products for v in p.variants if v.sku == "SKU-005-0")
    assert zero.available is False


def test_shopify_csv_without_required_columns(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("name,price\nshirt,3\n")
    report = import_shopify_csv(tmp_path / "x.csv")
    assert report.products == []
    assert report.errors[0].line == 1 and "Handle" in report.errors[0].reason
    assert report.unattributed == 1


def test_shopify_draft_and_image_rows(tmp_path: Path) -> None:
    rows, _ = shopify_rows(6, broken_every=1000)
    rows[0]["Status"] = "draft"
    image_only = dict.fromkeys(SHOPIFY_HEADER, "")
    image_only.update({"Handle": "tee-001", "Image Src": "https://img.example/second.jpg"})
    rows.append(image_only)
    write_csv(tmp_path / "p.csv", rows)
    report = import_shopify_csv(tmp_path / "p.csv")
    assert report.errors == []
    assert [s.reason for s in report.skipped] == ["tee-000: status draft"]
    assert {p.product_id for p in report.products} == {"tee-001", "tee-002"}


def test_jsonl_reports_bad_lines(tmp_path: Path) -> None:
    good = {
        "product_id": "a",
        "name": "Mug",
        "product_type": "Mug",
        "variants": [{"item_id": "a1", "price": 9.5}],
    }
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "product_id": "b", "variants": []}),
        "",
        json.dumps({**good, "product_id": "c", "variants": [{"item_id": "c1", "price": -1}]}),
        json.dumps(good),
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
    report = import_jsonl(tmp_path / "c.jsonl")
    assert [p.product_id for p in report.products] == ["a"]
    assert [e.line for e in report.errors] == [2, 3, 5, 6]
    assert "invalid JSON" in report.errors[0].reason
    assert "variants" in report.errors[1].reason
    assert "variants.0.price" in report.errors[2].reason
    assert "already defined on line 1" in report.errors[3].reason
    assert report.incomplete == {"b", "c", "a"} and report.unattributed == 1


def test_tau2_db_import(tmp_path: Path) -> None:
    db = {
        "products": {
            "9523456873": {
                "name": "T-Shirt",
                "product_id": "9523456873",
                "variants": {
                    "9612497925": {
                        "item_id": "9612497925",
                        "options": {"color": "blue", "size": "M"},
                        "available": True,
                        "price": 50.88,
                    },
                    "8124970213": {
                        "item_id": "8124970213",
                        "options": {"color": "purple", "size": "XL"},
                        "available": False,
                        "price": 49.67,
                    },
                },
            },
            "1": {"name": "Broken", "product_id": "1", "variants": {"2": {"item_id": "2"}}},
        }
    }
    report = import_tau2(db)
    assert [e.line for e in report.errors] == [2]
    (shirt,) = report.products
    assert shirt.product_type == "T-Shirt" and shirt.variants[1].available is False
    # Deterministic copy that names the choices without listing sibling values.
    assert (
        shirt.description == "T-Shirt offered in 2 variants: 2 colors and 2 sizes to choose from."
    )
    assert import_tau2(db).products[0].description == shirt.description
    (tmp_path / "db.json").write_text(json.dumps(db))
    assert import_json(tmp_path / "db.json").products == report.products
    assert import_path(tmp_path / "db.json").products == report.products
