"""Errors the store raises for bad input."""

from __future__ import annotations


class StoreError(ValueError):
    """Input the store refuses (unknown id, invalid data); nothing was written."""
