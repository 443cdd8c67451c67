"""Print what a data dir holds of its catalog, as JSON: run in its own process, so the
counts are read from disk as the next command would read them.

`python -m tests.faults.catalog_counts DATA_DIR`
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from assistant.services import Services
from assistant.settings import Settings


def counts(data_dir: Path) -> dict[str, int]:
    """Products in the SQL store (and repeated titles), and in search: the catalog record,
    the distinct products behind Chroma's vectors, and the products BM25 finds."""
    services = Services(Settings(data_dir=data_dir))
    stored = services.store.products()
    names = Counter(p.name for p in stored)
    catalog, _ = services.indexes
    # A vector's id is "<product id>/<item id>" (retrieval.documents.doc_id).
    ids = catalog.collection.get(include=[])["ids"]
    vector_products = {doc.rsplit("/", 1)[0] for doc in ids}
    return {
        "store": len(stored),
        "store_repeated_names": sum(n - 1 for n in names.values() if n > 1),
        "index": len(catalog.product_ids()),
        "vectors": catalog.collection.count(),
        "vector_products": len(vector_products),
    }


if __name__ == "__main__":
    print(json.dumps(counts(Path(sys.argv[1]))))
