"""Customer and order files into the store: Shopify's CSV exports or our own CSV, JSON and
JSON Lines (`docs/import-formats.md`), upsert by default, bad rows reported by line."""

from assistant.imports.customers import CustomerEntry, read_customers
from assistant.imports.orders import OrderEntry, order_status, read_orders
from assistant.imports.report import RecordReport
from assistant.imports.run import (
    PeopleImport,
    PeopleImportError,
    import_customers,
    import_orders,
    user_id_for,
)

__all__ = [
    "CustomerEntry",
    "OrderEntry",
    "PeopleImport",
    "PeopleImportError",
    "RecordReport",
    "import_customers",
    "import_orders",
    "order_status",
    "read_customers",
    "read_orders",
    "user_id_for",
]
