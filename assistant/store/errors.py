"""Errors the store raises for bad input."""

from __future__ import annotations


class StoreError(ValueError):
    """Input the store refuses (unknown id, invalid data); nothing was written."""


class StoreUnavailableError(RuntimeError):
    """The store's database cannot be reached (server down, file unreadable); the unit of
    work under way was rolled back, so nothing of it was written."""
