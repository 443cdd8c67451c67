"""Shopify CSV fixture generator shared by the retrieval tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

SHOPIFY_HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
    "Option3 Name", "Option3 Value", "Variant SKU", "Variant Inventory Qty",
    "Variant Inventory Policy", "Variant Price", "Image Src", "Status",
]  # fmt: skip


def shopify_rows(n_rows: int = 100, broken_every: int = 20) -> tuple[list[dict], list[int]]:
    """`n_rows` variant rows over products of 1-4 variants; every 20th row is broken.

    Returns the rows and the file line numbers (header = line 1) of the broken ones.
    """
    colors, sizes = ["red", "blue", "black", "green"], ["S", "M", "L"]
    breakages = [
        {"Variant Price": "twelve"},
        {"Variant Price": ""},
        {"Variant Inventory Qty": "lots"},
        {"Variant Price": "-3"},
        {"Option3 Value": "wool"},  # no Option3 Name on the product
    ]
    rows, broken = [], []
    product, position = 0, 0
    while len(rows) < n_rows:
        handle = f"tee-{product:03d}"
        count = 1 + product % 4
        for variant in range(count):
            if len(rows) >= n_rows:
                break
            row = dict.fromkeys(SHOPIFY_HEADER, "")
            row.update(
                {
                    "Handle": handle,
                    "Option1 Value": colors[variant % 4],
                    "Option2 Value": sizes[(product + variant) % 3],
                    "Variant SKU": f"SKU-{product:03d}-{variant}",
                    "Variant Inventory Qty": str((product + variant) % 5),
                    "Variant Inventory Policy": "deny",
                    "Variant Price": f"{10 + product + variant / 10:.2f}",
                }
            )
            if variant == 0:
                row.update(
                    {
                        "Title": f"Organic Tee {product}",
                        "Body (HTML)": "<p>Soft <b>organic</b> cotton,\nmade to last.</p>",
                        "Vendor": "Acme",
                        "Type": "T-Shirt",
                        "Tags": "cotton, summer",
                        "Option1 Name": "Color",
                        "Option2 Name": "Size",
                        "Image Src": f"https://img.example/{handle}.jpg",
                        "Status": "active",
                    }
                )
            position += 1
            if position % broken_every == 0 and variant > 0:
                row.update(breakages[len(broken) % len(breakages)])
                broken.append(len(rows))
            elif position % broken_every == 0:
                position -= 1  # break a continuation row instead, to keep products whole
            rows.append(row)
        product += 1
    return rows, broken


def write_csv(path: Path, rows: list[dict]) -> list[int]:
    """Write rows; returns each row's first line number (bodies span two lines)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SHOPIFY_HEADER, lineterminator="\n")
    writer.writeheader()
    lines, line = [], 2
    for row in rows:
        lines.append(line)
        before = buffer.tell()
        writer.writerow(row)
        line += buffer.getvalue()[before:].count("\n")
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return lines
