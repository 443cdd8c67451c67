"""Reports for the merchant, computed from what the store keeps (pure functions of records)."""
